import { Lifecycle, type Part } from '../lifecycle.js';
import type { Logger } from '../logger.js';
import type { ServerAnnouncement, ServicePublisher } from './discovery.js';
import type { ElectionStatus } from './election.js';

export interface ServeWhileLeadingDeps {
  /** A fresh set of server parts for each lead (a stopped server is never started again), given the epoch it leads under. */
  serverParts: (epoch: number) => Part[];
  publisher: ServicePublisher;
  announcement: (epoch: number) => ServerAnnouncement;
  log: Logger;
  /** Told after every transition (serving or not, and under which epoch). */
  onServing?: (epoch: number | null) => void;
  /**
   * Parts run while this node does not lead (a standby following the leader's store). They
   * stop before the server parts start, so both never hold the store at once.
   */
  standbyParts?: () => Part[];
}

/**
 * Runs the server parts while this node leads: on taking the lead they start through one
 * lifecycle (a failed start rolls back) and then the node is announced; on losing it the
 * announcement is withdrawn first and the parts stop in reverse order. Transitions run one
 * after another, and only the last wanted state counts when the lead flaps meanwhile.
 */
export class ServeWhileLeading {
  private running: { lifecycle: Lifecycle; epoch: number } | null = null;
  private wanted: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private standby: Lifecycle | null = null;
  private stopping = false;

  constructor(private readonly deps: ServeWhileLeadingDeps) {}

  get servingEpoch(): number | null {
    return this.running?.epoch ?? null;
  }

  /** Feed every election status here. */
  update(status: ElectionStatus): Promise<void> {
    this.wanted = status.role === 'leader' ? status.epoch : null;
    this.chain = this.chain.then(() => this.settle());
    return this.chain;
  }

  /** Stops serving, and following (the node is stopping). */
  stop(): Promise<void> {
    this.wanted = null;
    this.stopping = true;
    this.chain = this.chain.then(() => this.settle());
    return this.chain;
  }

  private async settle(): Promise<void> {
    const wanted = this.wanted;
    const current = this.running;
    if (current && current.epoch === wanted) return;
    if (wanted !== null || this.stopping) await this.stopStandby();
    if (current) {
      this.running = null;
      this.deps.log.info({ epoch: current.epoch }, 'no longer leading: stopping the server parts');
      try {
        await this.deps.publisher.unpublish();
      } catch (e) {
        this.deps.log.warn({ err: (e as Error).message }, 'could not withdraw the announcement');
      }
      await current.lifecycle.stop();
      this.deps.onServing?.(null);
    }
    if (wanted === null) {
      if (!this.stopping && this.wanted === null) await this.startStandby();
      return;
    }
    if (this.wanted !== wanted) return;
    const lifecycle = new Lifecycle(this.deps.serverParts(wanted), { log: this.deps.log });
    this.deps.log.info({ epoch: wanted }, 'leading: starting the server parts');
    try {
      await lifecycle.start();
    } catch (e) {
      // The lifecycle rolled back what had started; the next status change tries again.
      this.deps.log.error({ epoch: wanted, err: (e as Error).message }, 'the server parts did not start');
      return;
    }
    this.running = { lifecycle, epoch: wanted };
    try {
      await this.deps.publisher.publish(this.deps.announcement(wanted));
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'could not announce the server');
    }
    this.deps.onServing?.(wanted);
  }

  private async startStandby(): Promise<void> {
    if (this.standby || !this.deps.standbyParts) return;
    const lifecycle = new Lifecycle(this.deps.standbyParts(), { log: this.deps.log });
    try {
      await lifecycle.start();
      this.standby = lifecycle;
    } catch (e) {
      this.deps.log.error({ err: (e as Error).message }, 'the standby parts did not start');
    }
  }

  private async stopStandby(): Promise<void> {
    const standby = this.standby;
    this.standby = null;
    await standby?.stop();
  }
}
