import { LRUCache } from 'lru-cache';
import { EnvelopeRejectedError } from '../../errors.js';

/** Options of {@link ReplayGuard}. */
export interface ReplayGuardOptions {
  /** How long a nonce is remembered, in ms; at least the timestamp window on both sides. */
  ttlMs: number;
  /** Most nonces held at once. Default 100,000 (about 10 MB). */
  capacity?: number;
}

/**
 * Remembers the nonces of accepted envelopes until their timestamp could no
 * longer pass the window, so each is accepted once. Memory is bounded: entries
 * expire, and when the guard is full of unexpired nonces it refuses new
 * envelopes (503) rather than forget one that could then be replayed.
 */
export class ReplayGuard {
  readonly #seen: LRUCache<string, true>;
  readonly #capacity: number;

  constructor(options: ReplayGuardOptions) {
    this.#capacity = options.capacity ?? 100_000;
    this.#seen = new LRUCache<string, true>({
      max: this.#capacity,
      ttl: options.ttlMs,
      ttlAutopurge: false,
    });
  }

  /** Records `nonce` from `sender`, or throws if it was seen before or there is no room. */
  remember(sender: string, nonce: string): void {
    const key = `${sender}\n${nonce}`;
    if (this.#seen.has(key)) {
      throw new EnvelopeRejectedError(
        'MT_WIRE_NONCE_REPLAYED',
        `nonce ${nonce} from ${sender} was already used`,
      );
    }
    if (this.#seen.size >= this.#capacity) {
      this.#seen.purgeStale();
      if (this.#seen.size >= this.#capacity) {
        throw new EnvelopeRejectedError(
          'MT_WIRE_REPLAY_CACHE_FULL',
          'too many recent requests to remember them all safely; retry shortly',
        );
      }
    }
    this.#seen.set(key, true);
  }

  /** Nonces currently remembered. */
  get size(): number {
    return this.#seen.size;
  }
}
