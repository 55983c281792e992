import { LRUCache } from 'lru-cache';

/** Per-caller token bucket limits. */
export interface RateLimit {
  /** Requests a caller may burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

/** The default per-caller bucket of every server of this package: a burst of 20, then 10 a second. */
const DEFAULT_RATE_LIMIT: RateLimit = { capacity: 20, refillPerSecond: 10 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per caller. The table of callers is an LRU of bounded size,
 * so a flood of fresh identities cannot grow memory; a forgotten caller starts
 * again with a full bucket, which is the cost of that bound.
 */
export class RateLimiter {
  readonly #limit: RateLimit;
  readonly #buckets: LRUCache<string, Bucket>;
  readonly #now: () => number;

  constructor(
    limit: RateLimit = DEFAULT_RATE_LIMIT,
    { maxCallers = 50_000, now = () => performance.now() } = {},
  ) {
    this.#limit = limit;
    this.#buckets = new LRUCache<string, Bucket>({ max: maxCallers });
    this.#now = now;
  }

  /** Takes a token for `caller`; returns 0 when allowed, else the seconds until one is available. */
  take(caller: string): number {
    const now = this.#now();
    let bucket = this.#buckets.get(caller);
    if (bucket === undefined) {
      bucket = { tokens: this.#limit.capacity, updatedAt: now };
      this.#buckets.set(caller, bucket);
    }
    // The bucket is updated in place: one lookup per request, no allocation.
    bucket.tokens = Math.min(
      this.#limit.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#limit.refillPerSecond,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) return (1 - bucket.tokens) / this.#limit.refillPerSecond;
    bucket.tokens -= 1;
    return 0;
  }
}
