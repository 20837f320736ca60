import type { SettingsRepo } from '../../store/repos/settings.js';

/**
 * Graph chooses event ids; our bookings keep the id derived from their booking key (which is
 * also the event's transactionId), so a caller's id never changes. This remembers which Graph
 * id each of those has in the room's mailbox, both ways, in the store's settings table.
 */
export class BookingIds {
  constructor(private readonly settings: Pick<SettingsRepo, 'get' | 'set' | 'delete'>) {}

  remember(roomId: string, localId: string, graphId: string): void {
    this.settings.set(`microsoft.graph-id:${roomId}:${localId}`, graphId);
    this.settings.set(`microsoft.local-id:${roomId}:${graphId}`, localId);
  }

  /** The Graph id for a stored event id (our own id for events we booked). */
  graphId(roomId: string, localId: string): string | null {
    return this.settings.get(`microsoft.graph-id:${roomId}:${localId}`);
  }

  /** The stored id for a Graph id: ours for our bookings, Graph's otherwise. */
  localId(roomId: string, graphId: string): string {
    return this.settings.get(`microsoft.local-id:${roomId}:${graphId}`) ?? graphId;
  }

  forget(roomId: string, localId: string): void {
    const graphId = this.graphId(roomId, localId);
    this.settings.delete(`microsoft.graph-id:${roomId}:${localId}`);
    if (graphId) this.settings.delete(`microsoft.local-id:${roomId}:${graphId}`);
  }
}
