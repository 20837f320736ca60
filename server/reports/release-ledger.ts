import type { AutoRelease, ReleaseCause } from '../bookings/auto-release.js';

type ReleaseChanges = ConstructorParameters<typeof AutoRelease>[0]['changes'];
type Change = Parameters<ReleaseChanges['append']>[0];

/**
 * The change log the auto-release writes to, with each release (and its cause) also kept for the usage report
 * (the change log is pruned after hours; the report looks back weeks).
 */
export function keepingReleases(
  changes: ReleaseChanges,
  ledger: { record(roomId: string, eventId: string, startMs: number, endMs: number, releasedAt: number, cause: ReleaseCause): void },
  now: () => number,
): ReleaseChanges {
  return {
    append(change: Change): unknown {
      const out = changes.append(change);
      const p = change.payload as { eventId?: unknown; start?: unknown; end?: unknown; cause?: unknown } | undefined;
      if (change.kind === 'release' && change.roomId && p && typeof p.eventId === 'string' && typeof p.start === 'string' && typeof p.end === 'string') {
        ledger.record(change.roomId, p.eventId, Date.parse(p.start), Date.parse(p.end), change.at ?? now(), p.cause === 'no-presence' ? 'no-presence' : 'no-show');
      }
      return out;
    },
  };
}
