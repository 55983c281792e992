import type { JsonObject, Observation, Result, Score, Task } from '@mt/protocol';
import { InvalidScoringInputError, ScoringFailedError } from '../errors.js';
import { check } from '../option-checks.js';
import { median, populationVariance, weightedMean } from '../stats.js';
import { bradleyTerry } from './bradley-terry.js';
import {
  type CriterionFunction,
  type CriterionOutcome,
  runCriterion,
  type ScoringCriterion,
} from './criterion.js';
import { ScoringMethod } from './scoring-method.js';

/** A task and the result being scored for it, with what the validator observed of it. */
export interface ScoredPair {
  task: Task;
  result: Result;
  /** Given to every criterion: score speed from this, never from the miner's own claim. */
  observation?: Observation;
}

/**
 * A batched reward model: one score in [0, 1] per pair, in order. Subnets plug
 * a real model in (e.g. a sequence-classification reward model).
 */
export type RewardFunction = (
  pairs: readonly ScoredPair[],
  signal: AbortSignal,
) => Promise<number[]>;

/**
 * A judge of two results for one task: the probability, in [0, 1], that `a`
 * is better than `b`. Used by `COMPARATIVE`; without one, the criteria vote.
 */
export type Comparator = (task: Task, a: Result, b: Result) => number | Promise<number>;

/** Options of {@link AdvancedScorer}. */
export interface AdvancedScorerOptions {
  /** Default `WEIGHTED`. */
  method?: ScoringMethod;
  /** Map raw criterion values from [minScore, maxScore] to [0, 1]. Default true. */
  normalize?: boolean;
  /** Default time limit for a criterion, in milliseconds. Default 5000. */
  criterionTimeoutMs?: number;
  /** Required by `REWARD_MODEL`. */
  rewardModel?: RewardFunction;
  /** Weight of the reward model beside the other criteria. Default 1. */
  rewardWeight?: number;
  /** Time limit for one reward-model batch, in milliseconds. Default 30000. */
  rewardTimeoutMs?: number;
  /** Optional judge for `COMPARATIVE`. */
  comparator?: Comparator;
  /** Clock for score timestamps. */
  now?: () => number;
}

/** Options of {@link AdvancedScorer.addCriterion}. */
export interface CriterionOptions {
  minScore?: number;
  maxScore?: number;
  timeoutMs?: number;
}

const REWARD_CRITERION = 'reward_model';

/**
 * Multi-criteria scoring. Criteria are weighted functions of a task and its
 * result; the method combines them. Every score carries a per-criterion
 * breakdown in `metadata.breakdown`; a criterion that fails appears there with
 * its error and is left out of the value (and the confidence drops by its
 * weight's share) rather than being counted as 0.
 *
 * @example
 * ```ts
 * const scorer = new AdvancedScorer({ method: ScoringMethod.WEIGHTED });
 * scorer.addCriterion('length', 0.3, (task, result) => String(result.resultData.text).length, { maxScore: 400 });
 * // Speed from what the validator measured (the observation), never from the miner's claim.
 * scorer.addCriterion('speed', 0.7, (_task, _result, _signal, seen) => seen?.latencyMs ?? 5000, { minScore: 5000, maxScore: 0 });
 * const score = await scorer.score(task, result, { latencyMs: 1200, timeoutMs: 5000 });
 * ```
 */
export class AdvancedScorer {
  readonly method: ScoringMethod;
  readonly #normalize: boolean;
  readonly #criterionTimeoutMs: number;
  readonly #rewardModel: RewardFunction | undefined;
  readonly #rewardWeight: number;
  readonly #rewardTimeoutMs: number;
  readonly #comparator: Comparator | undefined;
  readonly #now: () => number;
  readonly #criteria = new Map<string, ScoringCriterion>();

  constructor(options: AdvancedScorerOptions = {}) {
    this.method = options.method ?? ScoringMethod.WEIGHTED;
    if (!Object.values(ScoringMethod).includes(this.method)) {
      throw new InvalidScoringInputError(
        'method',
        `unknown scoring method '${String(this.method)}'`,
      );
    }
    this.#normalize = options.normalize ?? true;
    this.#criterionTimeoutMs = check.positive(
      'criterionTimeoutMs',
      options.criterionTimeoutMs ?? 5_000,
    );
    this.#rewardModel = options.rewardModel;
    this.#rewardWeight = check.nonNegative('rewardWeight', options.rewardWeight ?? 1);
    this.#rewardTimeoutMs = check.positive('rewardTimeoutMs', options.rewardTimeoutMs ?? 30_000);
    this.#comparator = options.comparator;
    this.#now = options.now ?? Date.now;
    if (this.method === ScoringMethod.REWARD_MODEL && !this.#rewardModel) {
      throw new InvalidScoringInputError(
        'rewardModel',
        'REWARD_MODEL needs a rewardModel function',
      );
    }
  }

  /**
   * Adds a criterion. The weight must be finite and not negative; `minScore`
   * and `maxScore` (default 0 and 1) must differ (max below min scores lower-is-better).
   */
  addCriterion(
    name: string,
    weight: number,
    scorer: CriterionFunction,
    options: CriterionOptions = {},
  ): this {
    if (name === '' || this.#criteria.has(name) || name === REWARD_CRITERION) {
      throw new InvalidScoringInputError(
        'name',
        `criterion name '${name}' is empty, reserved or already used`,
      );
    }
    const minScore = options.minScore ?? 0;
    const maxScore = options.maxScore ?? 1;
    if (!Number.isFinite(minScore) || !Number.isFinite(maxScore) || minScore === maxScore) {
      throw new InvalidScoringInputError(
        `criteria.${name}.minScore`,
        `minScore (${minScore}) and maxScore (${maxScore}) must be finite and differ`,
      );
    }
    this.#criteria.set(name, {
      name,
      weight: check.nonNegative(`criteria.${name}.weight`, weight),
      scorer,
      minScore,
      maxScore,
      timeoutMs: check.positive(
        `criteria.${name}.timeoutMs`,
        options.timeoutMs ?? this.#criterionTimeoutMs,
      ),
    });
    return this;
  }

  /** Names, weights and ranges of the criteria. */
  getCriteriaSummary(): { name: string; weight: number; minScore: number; maxScore: number }[] {
    return [...this.#criteria.values()].map(({ name, weight, minScore, maxScore }) => ({
      name,
      weight,
      minScore,
      maxScore,
    }));
  }

  /** Scores one result. `COMPARATIVE` scores sets; use {@link scoreComparative}. */
  async score(task: Task, result: Result, observation?: Observation): Promise<Score> {
    const [score] = await this.scoreBatch([
      observation === undefined ? { task, result } : { task, result, observation },
    ]);
    if (!score) throw new ScoringFailedError('the scorer returned no score');
    return score;
  }

  /**
   * Scores many pairs; the reward model, if any, sees them in one batch.
   * Criteria run concurrently per pair.
   */
  async scoreBatch(pairs: readonly ScoredPair[]): Promise<Score[]> {
    if (this.method === ScoringMethod.COMPARATIVE) {
      throw new ScoringFailedError(
        'COMPARATIVE scores results against each other; call scoreComparative(task, results)',
      );
    }
    this.#requireCriteria();
    const rewards = await this.#rewards(pairs);
    return Promise.all(
      pairs.map(async ({ task, result, observation }, i) => {
        const outcomes = await this.#criterionOutcomes(task, result, observation);
        const reward = rewards[i];
        if (reward !== undefined) outcomes.push(reward);
        return this.#combine(outcomes);
      }),
    );
  }

  /**
   * Scores several results of one task against each other. Each pair is judged
   * by the comparator when one is given, otherwise by the criteria (each casts
   * its weight for the result it scores higher, half each on a tie); the
   * preferences are fitted with Bradley-Terry, and each result's score is its
   * expected chance of beating the others.
   */
  async scoreComparative(task: Task, results: readonly Result[]): Promise<Score[]> {
    if (results.length < 2) {
      throw new InvalidScoringInputError(
        'results',
        `COMPARATIVE needs at least 2 results, got ${results.length}`,
      );
    }
    const n = results.length;
    const wins = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    let perResult: CriterionOutcome[][] = [];
    if (this.#comparator) {
      for (let a = 0; a < n; a += 1) {
        for (let b = a + 1; b < n; b += 1) {
          const p = await this.#comparator(task, results[a] as Result, results[b] as Result);
          if (!(Number.isFinite(p) && p >= 0 && p <= 1)) {
            throw new ScoringFailedError(
              `the comparator returned ${p} for results ${a} and ${b}; it must be a probability in [0, 1]`,
            );
          }
          (wins[a] as number[])[b] = p;
          (wins[b] as number[])[a] = 1 - p;
        }
      }
    } else {
      this.#requireCriteria();
      perResult = await Promise.all(results.map((result) => this.#criterionOutcomes(task, result)));
      for (const criterion of this.#criteria.values()) {
        const values = perResult.map((outcomes) => {
          const outcome = outcomes.find((o) => o.name === criterion.name);
          return outcome && 'normalized' in outcome ? outcome.normalized : undefined;
        });
        for (let a = 0; a < n; a += 1) {
          for (let b = a + 1; b < n; b += 1) {
            const va = values[a];
            const vb = values[b];
            if (va === undefined || vb === undefined) continue;
            const share = va > vb ? 1 : va < vb ? 0 : 0.5;
            (wins[a] as number[])[b] = ((wins[a] as number[])[b] ?? 0) + criterion.weight * share;
            (wins[b] as number[])[a] =
              ((wins[b] as number[])[a] ?? 0) + criterion.weight * (1 - share);
          }
        }
      }
    }
    const strengths = bradleyTerry(wins);
    return strengths.map((value, i) => ({
      value,
      confidence: 1,
      timestamp: this.#now(),
      metadata: {
        method: this.method,
        comparedWith: n - 1,
        judge: this.#comparator ? 'comparator' : 'criteria',
        breakdown: breakdownOf(perResult[i] ?? []),
      },
    }));
  }

  async #criterionOutcomes(
    task: Task,
    result: Result,
    observation?: Observation,
  ): Promise<CriterionOutcome[]> {
    return Promise.all(
      [...this.#criteria.values()].map((criterion) =>
        runCriterion(criterion, task, result, this.#normalize, observation),
      ),
    );
  }

  /** The reward-model outcome per pair, or nothing when there is no reward model. */
  async #rewards(pairs: readonly ScoredPair[]): Promise<(CriterionOutcome | undefined)[]> {
    const model = this.#rewardModel;
    if (!model || pairs.length === 0) return pairs.map(() => undefined);
    const weight = this.#rewardWeight;
    const signal = AbortSignal.timeout(this.#rewardTimeoutMs);
    let values: number[];
    try {
      values = await model(pairs, signal);
    } catch (error) {
      const message = signal.aborted
        ? `timed out after ${this.#rewardTimeoutMs} ms`
        : (error as Error).message;
      return pairs.map(() => ({ name: REWARD_CRITERION, weight, error: message }));
    }
    if (!Array.isArray(values) || values.length !== pairs.length) {
      throw new ScoringFailedError(
        `the reward model returned ${Array.isArray(values) ? values.length : 'no'} scores for ${pairs.length} pairs; it must return one per pair`,
      );
    }
    return values.map((value) =>
      Number.isFinite(value) && value >= 0 && value <= 1
        ? { name: REWARD_CRITERION, weight, raw: value, normalized: value }
        : { name: REWARD_CRITERION, weight, error: `returned ${value}, outside [0, 1]` },
    );
  }

  #combine(outcomes: readonly CriterionOutcome[]): Score {
    const scored = outcomes.filter(
      (o): o is Extract<CriterionOutcome, { normalized: number }> => 'normalized' in o,
    );
    const totalWeight = outcomes.reduce((a, o) => a + o.weight, 0);
    const scoredWeight = scored.reduce((a, o) => a + o.weight, 0);
    if (scored.length === 0) {
      const errors = outcomes.map((o) => `${o.name}: ${'error' in o ? o.error : ''}`).join('; ');
      throw new ScoringFailedError(`every criterion failed (${errors})`);
    }
    const values = scored.map((o) => o.normalized);
    const weights = scored.map((o) => o.weight);
    let value: number;
    if (this.method === ScoringMethod.SIMPLE) {
      value = values.reduce((a, b) => a + b, 0) / values.length;
    } else {
      if (scoredWeight <= 0) {
        throw new ScoringFailedError(
          'the criteria that succeeded all have weight 0; give at least one a positive weight',
        );
      }
      const weighted = weightedMean(values, weights);
      value =
        this.method === ScoringMethod.ENSEMBLE ? 0.7 * weighted + 0.3 * median(values) : weighted;
    }
    // Criteria that agree raise confidence; a lone criterion cannot corroborate itself;
    // failed criteria lower it by their share of the weight.
    const agreement = values.length >= 2 ? 1 - Math.min(2 * populationVariance(values), 0.5) : 0.8;
    const coverage = totalWeight > 0 ? scoredWeight / totalWeight : scored.length / outcomes.length;
    return {
      value: Math.min(1, Math.max(0, value)),
      confidence: Math.min(1, Math.max(0, agreement * coverage)),
      timestamp: this.#now(),
      metadata: {
        method: this.method,
        numCriteria: outcomes.length,
        failedCriteria: outcomes.filter((o) => 'error' in o).map((o) => o.name),
        breakdown: breakdownOf(outcomes),
      },
    };
  }

  #requireCriteria(): void {
    if (this.#criteria.size === 0 && !this.#rewardModel) {
      throw new ScoringFailedError('no criteria to score with; call addCriterion first');
    }
  }
}

function breakdownOf(outcomes: readonly CriterionOutcome[]): JsonObject {
  const breakdown: JsonObject = {};
  for (const outcome of outcomes) {
    breakdown[outcome.name] =
      'error' in outcome
        ? { weight: outcome.weight, error: outcome.error }
        : { weight: outcome.weight, raw: outcome.raw, normalized: outcome.normalized };
  }
  return breakdown;
}
