import type { Logger } from './logger.js';

// A listener may be async; what it returns is only watched for a rejection.
type Listener<A> = (arg: A) => unknown;

interface Entry {
  owner: string;
  listener: Listener<never>;
}

/**
 * A typed in-process event bus: the map ties each event name to its argument, listeners are
 * registered under an owner (a part's name) and removed together when that part stops. A
 * listener that throws or rejects is logged; the other listeners still run.
 */
export class EventBus<Events extends object> {
  private readonly listeners = new Map<keyof Events, Entry[]>();

  constructor(private readonly log: Logger) {}

  on<E extends keyof Events>(owner: string, event: E, listener: Listener<Events[E]>): void {
    const list = this.listeners.get(event) ?? [];
    list.push({ owner, listener: listener as Listener<never> });
    this.listeners.set(event, list);
  }

  emit<E extends keyof Events>(event: E, arg: Events[E]): void {
    for (const { owner, listener } of [...(this.listeners.get(event) ?? [])]) {
      const failed = (e: unknown): void => this.log.warn({ event: String(event), owner, err: e instanceof Error ? e.message : String(e) }, 'an event listener failed');
      try {
        const out = (listener as Listener<Events[E]>)(arg);
        if (out instanceof Promise) out.catch(failed);
      } catch (e) {
        failed(e);
      }
    }
  }

  /** Removes every listener the owner registered. */
  off(owner: string): void {
    for (const [event, list] of this.listeners) {
      const kept = list.filter((l) => l.owner !== owner);
      if (kept.length) this.listeners.set(event, kept);
      else this.listeners.delete(event);
    }
  }

  listenerCount(event?: keyof Events): number {
    if (event !== undefined) return this.listeners.get(event)?.length ?? 0;
    let n = 0;
    for (const list of this.listeners.values()) n += list.length;
    return n;
  }
}
