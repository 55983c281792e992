import {
  parseValidatorScore,
  SchemaValidationError,
  type Score,
  type ValidatorScore,
  type ValidatorScoreInput,
} from '@mt/protocol';
import { InsufficientConsensusError, InvalidScoringInputError } from '../errors.js';
import { check } from '../option-checks.js';
import { mean, median, populationVariance, weightedMean, weightedMedian } from '../stats.js';
import { modifiedZScores } from './modified-z-scores.js';

/** How {@link ConsensusAggregator} combines validators' scores. */
export const ConsensusMethod = {
  /** Plain median of the scores. */
  MEDIAN: 'median',
  /** Lower median weighted by confidence × reputation. */
  WEIGHTED_MEDIAN: 'weighted_median',
  /** Mean after dropping `trimFraction` of the scores from each end. */
  TRIMMED_MEAN: 'trimmed_mean',
  /** Mean weighted by stake × reputation. */
  STAKE_WEIGHTED: 'stake_weighted',
  /** Mean weighted by confidence × reputation. */
  CONFIDENCE_WEIGHTED: 'confidence_weighted',
  /** Outliers dropped, then a mean weighted by confidence × √stake × reputation. */
  ROBUST: 'robust',
} as const;

/** One of the {@link ConsensusMethod} values. */
export type ConsensusMethod = (typeof ConsensusMethod)[keyof typeof ConsensusMethod];

/** Options of {@link ConsensusAggregator}. */
export interface ConsensusAggregatorOptions {
  /** Default `ROBUST`. */
  method?: ConsensusMethod;
  /**
   * |modified Z| above which a score is an outlier. Default 3.5, the value
   * Iglewicz and Hoaglin recommend (the original used 2.0, which flags honest
   * disagreement).
   */
  outlierThreshold?: number;
  /** Fewer validators than this is an error. Default 3. */
  minValidators?: number;
  /** Share of scores dropped from each end by `TRIMMED_MEAN`, in [0, 0.5). Default 0.2. */
  trimFraction?: number;
}

/** How one validator's score entered the consensus. */
export interface ValidatorDetail {
  validatorUid: number;
  value: number;
  confidence: number;
  stake: number;
  reputation: number;
  zScore: number;
  isOutlier: boolean;
  /** The weight the method gave it; 0 when it was left out (trimmed or an outlier). */
  weight: number;
}

/** What {@link ConsensusAggregator.aggregate} returns. */
export interface ConsensusResult {
  /** The consensus score; its metadata summarises the round. */
  score: Score;
  details: ValidatorDetail[];
}

/**
 * Combines several validators' scores for one result into a consensus score,
 * with outlier detection by modified Z-score.
 *
 * @example
 * ```ts
 * const aggregator = new ConsensusAggregator({ method: ConsensusMethod.ROBUST });
 * const { score, details } = aggregator.aggregate([
 *   { validatorUid: 1, score: { value: 0.85, confidence: 0.9, timestamp: now }, stake: 100 },
 *   ...
 * ]);
 * ```
 */
export class ConsensusAggregator {
  readonly method: ConsensusMethod;
  readonly outlierThreshold: number;
  readonly minValidators: number;
  readonly trimFraction: number;
  readonly #now: () => number;

  constructor(options: ConsensusAggregatorOptions = {}, now: () => number = Date.now) {
    this.method = options.method ?? ConsensusMethod.ROBUST;
    if (!Object.values(ConsensusMethod).includes(this.method)) {
      throw new InvalidScoringInputError(
        'method',
        `unknown consensus method '${String(this.method)}'`,
      );
    }
    this.outlierThreshold = check.positive('outlierThreshold', options.outlierThreshold ?? 3.5);
    this.minValidators = check.integer('minValidators', options.minValidators ?? 3);
    this.trimFraction = options.trimFraction ?? 0.2;
    if (!(this.trimFraction >= 0 && this.trimFraction < 0.5)) {
      throw new InvalidScoringInputError(
        'trimFraction',
        `must be in [0, 0.5), got ${this.trimFraction}`,
      );
    }
    this.#now = now;
  }

  /**
   * Aggregates `scores` (one per validator). Throws
   * `InvalidScoringInputError` naming the bad field for malformed input or a
   * repeated validator, and `InsufficientConsensusError` for too few validators
   * or when every weight the method uses is zero.
   */
  aggregate(scores: readonly ValidatorScoreInput[]): ConsensusResult {
    const parsed = scores.map(parseEntry);
    const seen = new Set<number>();
    parsed.forEach((entry, i) => {
      if (seen.has(entry.validatorUid)) {
        throw new InvalidScoringInputError(
          `scores[${i}].validatorUid`,
          `validator ${entry.validatorUid} appears twice; give one score per validator`,
        );
      }
      seen.add(entry.validatorUid);
    });
    if (parsed.length < this.minValidators) {
      throw new InsufficientConsensusError(
        `${parsed.length} validator score(s) given, but consensus needs at least ${this.minValidators} (minValidators).`,
      );
    }

    const values = parsed.map((p) => p.score.value);
    const zScores = parsed.length >= 3 ? modifiedZScores(values) : values.map(() => 0);
    const outliers = zScores.map((z) => Math.abs(z) > this.outlierThreshold);
    const weights = this.#weights(parsed, outliers);
    const value = this.#combine(values, weights);

    const details: ValidatorDetail[] = parsed.map((p, i) => ({
      validatorUid: p.validatorUid,
      value: p.score.value,
      confidence: p.score.confidence,
      stake: p.stake,
      reputation: p.reputation,
      zScore: zScores[i] ?? 0,
      isOutlier: outliers[i] ?? false,
      weight: weights[i] ?? 0,
    }));
    const outlierCount = outliers.filter(Boolean).length;
    const spread = Math.sqrt(populationVariance(values));
    // Agreement between validators, their own confidence, and how few of them were outliers.
    const confidence =
      0.4 * (1 - Math.min(2 * spread, 0.5)) +
      0.4 * mean(parsed.map((p) => p.score.confidence)) +
      0.2 * (1 - 0.3 * (outlierCount / parsed.length));
    return {
      score: {
        value: clampUnit(value),
        confidence: clampUnit(confidence),
        timestamp: this.#now(),
        metadata: {
          method: this.method,
          numValidators: parsed.length,
          numOutliers: outlierCount,
          scoreStd: spread,
          scoreRange: [Math.min(...values), Math.max(...values)],
        },
      },
      details,
    };
  }

  /** The weight each validator gets under the method (used by the weighted methods and for details). */
  #weights(parsed: readonly ValidatorScore[], outliers: readonly boolean[]): number[] {
    switch (this.method) {
      case ConsensusMethod.MEDIAN:
        return parsed.map(() => 1);
      case ConsensusMethod.TRIMMED_MEAN: {
        const cut = Math.floor(parsed.length * this.trimFraction);
        const order = parsed
          .map((_, i) => i)
          .sort((a, b) => (parsed[a]?.score.value ?? 0) - (parsed[b]?.score.value ?? 0));
        const kept = new Set(order.slice(cut, order.length - cut));
        return parsed.map((_, i) => (kept.has(i) ? 1 : 0));
      }
      case ConsensusMethod.STAKE_WEIGHTED:
        return parsed.map((p) => p.stake * p.reputation);
      case ConsensusMethod.WEIGHTED_MEDIAN:
      case ConsensusMethod.CONFIDENCE_WEIGHTED:
        return parsed.map((p) => p.score.confidence * p.reputation);
      case ConsensusMethod.ROBUST:
        return parsed.map((p, i) =>
          outliers[i] ? 0 : p.score.confidence * Math.sqrt(p.stake) * p.reputation,
        );
    }
  }

  #combine(values: readonly number[], weights: readonly number[]): number {
    if (this.method === ConsensusMethod.MEDIAN) return median(values);
    if (weights.reduce((a, b) => a + b, 0) <= 0) {
      throw new InsufficientConsensusError(
        `Every validator has zero weight under ${this.method} (stake, confidence or reputation is 0 for all of them, or all were outliers); there is no consensus to report.`,
      );
    }
    if (this.method === ConsensusMethod.WEIGHTED_MEDIAN) return weightedMedian(values, weights);
    return weightedMean(values, weights);
  }

  /** The aggregator's settings. */
  getConfig(): Required<ConsensusAggregatorOptions> {
    return {
      method: this.method,
      outlierThreshold: this.outlierThreshold,
      minValidators: this.minValidators,
      trimFraction: this.trimFraction,
    };
  }
}

function parseEntry(input: ValidatorScoreInput, index: number): ValidatorScore {
  try {
    return parseValidatorScore(input);
  } catch (error) {
    if (!SchemaValidationError.isInstance(error)) throw error;
    const issue = error.issues[0];
    const path = issue?.path ? `.${issue.path}` : '';
    throw new InvalidScoringInputError(`scores[${index}]${path}`, issue?.message ?? error.message, {
      cause: error,
    });
  }
}

function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}
