import { InvalidScoringInputError } from '../errors.js';
import { check } from '../option-checks.js';

/**
 * How sharply weights favour the best miners: each weight is proportional to
 * `average ^ sharpness`. 4 by default: a miner at half the best average gets
 * 1/16 of its weight. Higher values starve miners far below the best (a
 * validator's policy, not the chain's).
 */
export const DEFAULT_SHARPNESS = 4;

/** The moving average's rate: each round's score counts for `alpha` of the new average. */
export const DEFAULT_ALPHA = 0.3;

/** Options of {@link WeightPolicy}. */
export interface WeightPolicyOptions {
  /** Weights ∝ `average ^ sharpness`; > 0. Default {@link DEFAULT_SHARPNESS}. */
  sharpness?: number;
  /** The moving average's rate, in (0, 1]. Default {@link DEFAULT_ALPHA}. */
  alpha?: number;
}

/**
 * A validator's weight policy: a moving average of each miner's round
 * scores, turned into weights as `average ^ sharpness`. Its options are
 * checked once, here: a sharpness of 0 would make every weight equal, and an
 * alpha outside (0, 1] would not average at all.
 *
 * @example
 * ```ts
 * const policy = new WeightPolicy({ sharpness: 4 });
 * policy.record(3, 0.9);
 * toU16Weights(policy.scores()); // what goes to the chain (@mt/chain)
 * ```
 */
export class WeightPolicy {
  readonly sharpness: number;
  readonly alpha: number;
  readonly #averages = new Map<number, number>();

  /** @throws InvalidScoringInputError when `sharpness` is not > 0 or `alpha` not in (0, 1]. */
  constructor(options: WeightPolicyOptions = {}) {
    this.sharpness = check.positive('sharpness', options.sharpness ?? DEFAULT_SHARPNESS);
    this.alpha = check.positive('alpha', options.alpha ?? DEFAULT_ALPHA);
    if (this.alpha > 1)
      throw new InvalidScoringInputError('alpha', `must be in (0, 1], got ${this.alpha}`);
  }

  /** The moving averages by UID. */
  get averages(): ReadonlyMap<number, number> {
    return this.#averages;
  }

  /** Folds one round's `score` (in [0, 1]) for `uid` into its average; returns the new average. */
  record(uid: number, score: number): number {
    const average = this.alpha * score + (1 - this.alpha) * (this.#averages.get(uid) ?? 0);
    this.#averages.set(uid, average);
    return average;
  }

  /** Each miner with a positive average, as `average ^ sharpness`: the scores weights are made from. */
  scores(): Map<number, number> {
    return new Map(
      [...this.#averages].filter(([, v]) => v > 0).map(([uid, v]) => [uid, v ** this.sharpness]),
    );
  }

  /**
   * Starts from the weights this validator left on the chain (u16, max-upscaled
   * there), so a restart does not forget every miner.
   *
   * The chain keeps only proportions, so this recovers averages up to one
   * factor: each becomes `(weight / 65535) ^ (1 / sharpness)`. The best
   * miner's average comes back as 1.0 whatever it was, and the others in
   * proportion to it. Averages recorded before resuming are replaced for the
   * UIDs the chain names.
   */
  resume(stored: ReadonlyMap<number, number>): void {
    for (const [uid, weight] of stored)
      this.#averages.set(uid, (weight / 65535) ** (1 / this.sharpness));
  }
}
