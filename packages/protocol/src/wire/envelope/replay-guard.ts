import { LRUCache } from 'lru-cache';
import { EnvelopeRejectedError } from '../../errors.js';

/** Options of {@link ReplayGuard}. */
export interface ReplayGuardOptions {
  /** How long a nonce is remembered, in ms; at least the timestamp window on both sides. */
  ttlMs: number;
  /**
   * Nonces one sender may have remembered at once. A sender held to its rate
   * limit never needs more than its burst plus its refill over `ttlMs`.
   * Default 1,000.
   */
  perSenderCapacity?: number;
  /** Senders remembered at once. Default 1,000 (with the default above, ≤ 1M nonces, ~100 MB worst case). */
  maxSenders?: number;
  /** Clock in ms; injectable for tests. Default `performance.now`. */
  now?: () => number;
}

/**
 * Remembers the nonces of accepted envelopes until their timestamp could no
 * longer pass the window, so each is accepted once. Memory is bounded per
 * sender and in the number of senders, and a full guard refuses (503) rather
 * than forgets a nonce that could then be replayed: a sender that fills its
 * own share is refused alone, and nobody else loses theirs.
 *
 * The miner server touches it only after the signature, the blacklist and
 * the rate limit, so forgeries, refused senders and floods never reach it.
 */
export class ReplayGuard {
  readonly #ttlMs: number;
  readonly #perSender: number;
  readonly #maxSenders: number;
  readonly #now: () => number;
  /** Per sender: nonce → when it may be forgotten. */
  readonly #seen = new Map<string, LRUCache<string, true>>();

  constructor(options: ReplayGuardOptions) {
    this.#ttlMs = options.ttlMs;
    this.#perSender = options.perSenderCapacity ?? 1_000;
    this.#maxSenders = options.maxSenders ?? 1_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records `nonce` from `sender`, or throws if it was seen before or there is no room. */
  remember(sender: string, nonce: string): void {
    let nonces = this.#seen.get(sender);
    if (nonces?.has(nonce)) {
      throw new EnvelopeRejectedError(
        'MT_WIRE_NONCE_REPLAYED',
        `nonce ${nonce} from ${sender} was already used`,
      );
    }
    if (nonces === undefined) {
      if (this.#seen.size >= this.#maxSenders) this.#forgetIdleSenders();
      if (this.#seen.size >= this.#maxSenders) {
        throw new EnvelopeRejectedError(
          'MT_WIRE_REPLAY_CACHE_FULL',
          `${this.#maxSenders} senders are being remembered already; retry shortly`,
        );
      }
      nonces = new LRUCache<string, true>({
        max: this.#perSender,
        ttl: this.#ttlMs,
        ttlAutopurge: false,
        // Staleness read from the clock on every check, not from a value cached between timer ticks.
        ttlResolution: 0,
        perf: { now: this.#now },
      });
      this.#seen.set(sender, nonces);
    }
    if (nonces.size >= this.#perSender) {
      nonces.purgeStale();
      if (nonces.size >= this.#perSender) {
        throw new EnvelopeRejectedError(
          'MT_WIRE_REPLAY_CACHE_FULL',
          `${sender} has ${this.#perSender} requests in the replay window already; slow down`,
        );
      }
    }
    nonces.set(nonce, true);
  }

  #forgetIdleSenders(): void {
    for (const [sender, nonces] of this.#seen) {
      nonces.purgeStale();
      if (nonces.size === 0) this.#seen.delete(sender);
    }
  }

  /** Nonces currently remembered, over every sender. */
  get size(): number {
    let total = 0;
    for (const nonces of this.#seen.values()) total += nonces.size;
    return total;
  }

  /** Senders currently remembered. */
  get senders(): number {
    return this.#seen.size;
  }
}
