import { LRUCache } from 'lru-cache';

/** Per-caller token bucket limits. */
export interface RateLimit {
  /** Requests a caller may burst. */
  capacity: number;
  /** Tokens added back per second. */
  refillPerSecond: number;
}

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

  constructor(limit: RateLimit, { maxCallers = 50_000, now = () => performance.now() } = {}) {
    this.#limit = limit;
    this.#buckets = new LRUCache<string, Bucket>({ max: maxCallers });
    this.#now = now;
  }

  /** Takes a token for `caller`; returns 0 when allowed, else the seconds until one is available. */
  take(caller: string): number {
    const now = this.#now();
    const bucket = this.#buckets.get(caller) ?? { tokens: this.#limit.capacity, updatedAt: now };
    const refilled = Math.min(
      this.#limit.capacity,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.#limit.refillPerSecond,
    );
    if (refilled < 1) {
      this.#buckets.set(caller, { tokens: refilled, updatedAt: now });
      return (1 - refilled) / this.#limit.refillPerSecond;
    }
    this.#buckets.set(caller, { tokens: refilled - 1, updatedAt: now });
    return 0;
  }
}
