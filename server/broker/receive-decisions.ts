import { mayReceive, type Identity } from './acl.js';

/** Topics whose answer is remembered per identity: a display reads a handful, an inspector any number. */
const MAX_REMEMBERED_TOPICS = 64;

/**
 * The ACL's answer (mayReceive) for an identity and a topic, remembered: a room change goes to
 * every display of the room, each asking the same question about the same few topics. acl.ts
 * still decides. An identity object is never changed, only replaced (the broker's refreshDevice),
 * so a moved display's new identity starts with no answers and its old room is decided again.
 */
export class ReceiveDecisions {
  private readonly answers = new WeakMap<Identity, Map<string, boolean>>();

  constructor(private readonly prefix: string) {}

  receives(identity: Identity, topic: string): boolean {
    let known = this.answers.get(identity);
    if (known === undefined) {
      known = new Map();
      this.answers.set(identity, known);
    }
    const hit = known.get(topic);
    if (hit !== undefined) return hit;
    const answer = mayReceive(identity, topic, this.prefix);
    if (known.size >= MAX_REMEMBERED_TOPICS) known.clear();
    known.set(topic, answer);
    return answer;
  }
}
