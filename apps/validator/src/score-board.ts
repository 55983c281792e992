/** A miner's standing on a {@link ScoreBoard}. */
export interface MinerStanding {
  minerUid: string;
  /** Exponential moving average of the scores this validator gave it. */
  movingAverage: number;
  /** Number of rounds it was queried in. */
  rounds: number;
  lastScore: number;
}

/**
 * Moving-average scores per miner, as a validator keeps them between rounds.
 * Only miners that were actually queried move: one left out of a round keeps
 * its average, rather than decaying toward a score nobody gave it.
 */
export class ScoreBoard {
  readonly #alpha: number;
  readonly #standings = new Map<string, MinerStanding>();

  /** `alpha` is the weight of the newest score, in (0, 1]. */
  constructor(alpha = 0.3) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must be in (0, 1], got ${alpha}`);
    this.#alpha = alpha;
  }

  /** Folds one round's score for `minerUid` into its moving average. */
  record(minerUid: string, score: number): MinerStanding {
    const previous = this.#standings.get(minerUid);
    const standing: MinerStanding =
      previous === undefined
        ? { minerUid, movingAverage: score, rounds: 1, lastScore: score }
        : {
            minerUid,
            movingAverage: this.#alpha * score + (1 - this.#alpha) * previous.movingAverage,
            rounds: previous.rounds + 1,
            lastScore: score,
          };
    this.#standings.set(minerUid, standing);
    return standing;
  }

  /** Every miner's standing, best moving average first. */
  standings(): MinerStanding[] {
    return [...this.#standings.values()].sort((a, b) => b.movingAverage - a.movingAverage);
  }
}
