import { EnvelopeRejectedError } from '../errors.js';

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
 * One sender's nonces. Every nonce lives exactly `ttlMs`, so they expire in
 * the order they arrived: a queue in arrival order, trimmed from its head,
 * is all the bookkeeping there is (no LRU, no timers).
 */
class SenderNonces {
  readonly seen = new Set<string>();
  readonly #order: string[] = [];
  readonly #expiries: number[] = [];
  #head = 0;

  add(nonce: string, expiry: number): void {
    this.seen.add(nonce);
    this.#order.push(nonce);
    this.#expiries.push(expiry);
  }

  /** Forgets the nonces that expired by `now`. */
  trim(now: number): void {
    while (this.#head < this.#order.length && (this.#expiries[this.#head] ?? 0) <= now) {
      this.seen.delete(this.#order[this.#head] ?? '');
      this.#head += 1;
    }
    // Compact once half the arrays is spent, so memory follows what is remembered.
    if (this.#head > 1_024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#expiries.splice(0, this.#head);
      this.#head = 0;
    }
  }
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
  readonly #senders = new Map<string, SenderNonces>();

  constructor(options: ReplayGuardOptions) {
    this.#ttlMs = options.ttlMs;
    this.#perSender = options.perSenderCapacity ?? 1_000;
    this.#maxSenders = options.maxSenders ?? 1_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Records `nonce` from `sender`, or throws if it was seen before or there is no room. */
  remember(sender: string, nonce: string): void {
    const now = this.#now();
    let nonces = this.#senders.get(sender);
    nonces?.trim(now);
    if (nonces?.seen.has(nonce)) {
      throw new EnvelopeRejectedError(
        'MT_WIRE_NONCE_REPLAYED',
        `nonce ${nonce} from ${sender} was already used`,
      );
    }
    if (nonces === undefined) {
      if (this.#senders.size >= this.#maxSenders) this.#forgetIdleSenders(now);
      if (this.#senders.size >= this.#maxSenders) {
        throw new EnvelopeRejectedError(
          'MT_WIRE_REPLAY_CACHE_FULL',
          `${this.#maxSenders} senders are being remembered already; retry shortly`,
        );
      }
      nonces = new SenderNonces();
      this.#senders.set(sender, nonces);
    }
    if (nonces.seen.size >= this.#perSender) {
      throw new EnvelopeRejectedError(
        'MT_WIRE_REPLAY_CACHE_FULL',
        `${sender} has ${this.#perSender} requests in the replay window already; slow down`,
      );
    }
    nonces.add(nonce, now + this.#ttlMs);
  }

  #forgetIdleSenders(now: number): void {
    for (const [sender, nonces] of this.#senders) {
      nonces.trim(now);
      if (nonces.seen.size === 0) this.#senders.delete(sender);
    }
  }

  /** Nonces currently remembered, over every sender. */
  get size(): number {
    let total = 0;
    for (const nonces of this.#senders.values()) total += nonces.seen.size;
    return total;
  }

  /** Senders currently remembered. */
  get senders(): number {
    return this.#senders.size;
  }
}
