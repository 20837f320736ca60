import type { Clock } from '../../shared/clock.js';
import { TokenBucket, type Take } from '../notify/token-bucket.js';

/**
 * One token bucket per key (a device id, a network address). The map is bounded: past
 * `maxKeys` the key used longest ago is forgotten, so a flood of made-up ids cannot grow it.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string): Take {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.clock, this.perMinute, 60_000);
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    } else {
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);
    return bucket.take();
  }
}
