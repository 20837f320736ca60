import { randomUUID } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { Logger } from '../../../shared/logger.js';

/**
 * Mosquitto's dynamic security API (plugin since 2.0): a JSON `{ commands: [...] }` published
 * on `$CONTROL/dynamic-security/v1`; the answers, one per command with the same
 * `correlationData`, come back on `.../v1/response` (`error` set when one failed). Only the
 * account given here (the plugin's admin) may use it.
 */
export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;
/** How long an answer may take before the call fails (the broker answers in microseconds). */
const ANSWER_TIMEOUT_MS = 10_000;

export type DynsecCommand = { command: string } & Record<string, unknown>;
export interface DynsecAnswer {
  command: string;
  error?: string;
  data?: Record<string, unknown>;
}

export class DynsecError extends Error {}

export interface DynsecLogin {
  url: string;
  username: string;
  password: string;
  clientId: string;
}

export class DynsecClient {
  private client: MqttClient | null = null;
  private readonly waiting = new Map<string, { resolve: (a: DynsecAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();

  constructor(
    private readonly login: DynsecLogin,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const client = connect(this.login.url, { username: this.login.username, password: this.login.password, clientId: this.login.clientId, reconnectPeriod: 500, resubscribe: true });
    this.client = client;
    client.on('message', (topic, payload) => this.onAnswer(topic, payload));
    client.on('error', (err) => this.log.warn({ err: err.message }, 'dynamic security connection'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', (err) => reject(new DynsecError(`cannot log in to ${this.login.url} as ${this.login.username}: ${err.message}`)));
    });
    const [granted] = await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    if (granted === undefined || granted.qos > 2) throw new DynsecError(`${this.login.username} may not read ${RESPONSE_TOPIC}: is it the dynamic security admin?`);
  }

  async stop(): Promise<void> {
    for (const w of this.waiting.values()) {
      clearTimeout(w.timer);
      w.reject(new DynsecError('dynamic security connection closed'));
    }
    this.waiting.clear();
    await this.client?.endAsync();
    this.client = null;
  }

  /** Sends the commands in one message (the plugin runs them in order); one answer each. */
  async send(commands: readonly DynsecCommand[]): Promise<DynsecAnswer[]> {
    const client = this.client;
    if (!client) throw new DynsecError('dynamic security client not started');
    if (commands.length === 0) return [];
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }));
    const answers = tagged.map(
      (c) =>
        new Promise<DynsecAnswer>((resolve, reject) => {
          const timer = setTimeout(() => (this.waiting.delete(c.correlationData), reject(new DynsecError(`no answer to ${c.command}`))), ANSWER_TIMEOUT_MS);
          this.waiting.set(c.correlationData, { resolve, reject, timer });
        }),
    );
    await client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 });
    return Promise.all(answers);
  }

  /**
   * A change to this login's own account: the plugin applies it, then disconnects the login
   * (so its rights are read again) before answering; the call ends when it is back.
   */
  async changeOwnAccount(command: DynsecCommand): Promise<void> {
    const client = this.client;
    if (!client) throw new DynsecError('dynamic security client not started');
    const back = new Promise<void>((resolve) => client.once('connect', () => resolve()));
    await client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: [command] }), { qos: 1 });
    await back;
  }

  /** Like send, but any error other than those `tolerated` (e.g. "Client not found") throws. */
  async run(commands: readonly DynsecCommand[], tolerated: readonly string[] = []): Promise<DynsecAnswer[]> {
    const answers = await this.send(commands);
    const failed = answers.find((a) => a.error !== undefined && !tolerated.some((t) => a.error?.includes(t)));
    if (failed) throw new DynsecError(`${failed.command}: ${failed.error ?? ''}`);
    return answers;
  }

  private onAnswer(topic: string, payload: Buffer): void {
    if (topic !== RESPONSE_TOPIC) return;
    let body: { responses?: Array<DynsecAnswer & { correlationData?: string }> };
    try {
      body = JSON.parse(payload.toString('utf8')) as typeof body;
    } catch {
      this.log.warn({}, 'dynamic security answer is not JSON');
      return;
    }
    for (const r of body.responses ?? []) {
      const w = r.correlationData === undefined ? undefined : this.waiting.get(r.correlationData);
      if (!w || r.correlationData === undefined) continue;
      this.waiting.delete(r.correlationData);
      clearTimeout(w.timer);
      w.resolve({ command: r.command, ...(r.error !== undefined ? { error: r.error } : {}), ...(r.data !== undefined ? { data: r.data } : {}) });
    }
  }
}
