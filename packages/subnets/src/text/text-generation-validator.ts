import { randomInt } from 'node:crypto';
import {
  type Judgement,
  newTask,
  type Observation,
  type Result,
  type SubnetValidator,
  type Task,
  type TaskContextInput,
} from '@mt/protocol';
import { AdvancedScorer, type ScoredPair, ScoringMethod } from '@mt/scoring';
import { InvalidSubnetInputError } from '../errors.js';
import { observedSpeed } from '../speed.js';
import { promptFor } from './prompt-templates.js';
import { TextModels } from './text-models.js';
import { TEXT_GENERATION, textRequestOf } from './text-task.js';

/** Weights of the criteria in a text-generation score. */
export interface TextScoreWeights {
  /** The reward model's judgement of (prompt, response). */
  quality: number;
  /** Share of the topic's words the response uses. */
  relevance: number;
  /** New tokens (counted by the validator's tokenizer) against the task's allowance. */
  length: number;
  /** The validator's own measure of the answer's latency against the task's budget. */
  speed: number;
  /**
   * Agreement with the validator's own greedy generation of the prompt (the
   * share of the reference reproduced, from the start).
   */
  reproduction: number;
}

/**
 * The default weights: reproduction first, since it is the one criterion a
 * miner cannot meet without running the model. `mt-validator` uses these.
 */
export const DEFAULT_TEXT_SCORE_WEIGHTS: Readonly<TextScoreWeights> = {
  quality: 0.2,
  relevance: 0.05,
  length: 0.1,
  speed: 0.15,
  reproduction: 0.5,
};

/** Options of {@link TextGenerationValidator.create}. */
export interface TextGenerationValidatorOptions {
  /** The subnet's causal LM: its tokenizer counts tokens, and it generates the reproduction reference. */
  generator: string;
  /** A sequence-classification reward model: local folder or Hub id. */
  rewardModel: string;
  /** Time a miner has per task. Default 30 s. */
  timeoutMs?: number;
  /** Default {@link DEFAULT_TEXT_SCORE_WEIGHTS}. */
  weights?: Partial<TextScoreWeights>;
  /**
   * The least share of the validator's own greedy answer an answer must
   * reproduce to be scored at all; below it the answer scores 0, whatever
   * its topic words, length or speed (filler built from the prompt's topic
   * and an empty answer sent at once were both paid before). Default 0.9;
   * 0 turns the gate off.
   */
  minReproduction?: number;
  /** Inference worker threads. Default 1. */
  threads?: number;
}

/** One answer to score, with what the validator observed of it. */
export interface ObservedAnswer extends ScoredPair {
  observation: Observation;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The validator of the text-generation subnet: prompts from difficulty-based
 * templates, scored through `AdvancedScorer` by a reward model, relevance to
 * the topic, length counted with the validator's own tokenizer, and speed as
 * the validator measured it. Nothing a miner says about itself is scored.
 */
export class TextGenerationValidator implements SubnetValidator {
  readonly name = TEXT_GENERATION.name;
  readonly version = TEXT_GENERATION.version;
  readonly models: TextModels;
  readonly scorer: AdvancedScorer;
  readonly #timeoutMs: number;
  readonly #minReproduction: number;
  readonly #reproduces: boolean;
  /** Each answer's reproduced share, computed once per answer for the gate and the criterion. */
  readonly #shares = new WeakMap<Result, Promise<number>>();

  private constructor(models: TextModels, options: TextGenerationValidatorOptions) {
    this.models = models;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#minReproduction = options.minReproduction ?? 0.9;
    const weights: TextScoreWeights = { ...DEFAULT_TEXT_SCORE_WEIGHTS, ...options.weights };
    this.#reproduces = weights.reproduction > 0 || this.#minReproduction > 0;
    this.scorer = new AdvancedScorer({
      method: ScoringMethod.WEIGHTED,
      rewardModel: (pairs) => this.#rewards(pairs),
      rewardWeight: weights.quality,
    })
      .addCriterion('relevance', weights.relevance, (task, result) => {
        const words = textRequestOf(task).topic.toLowerCase().split(/\s+/).filter(Boolean);
        const text = String(result.resultData.text ?? '').toLowerCase();
        return words.length === 0 ? 0 : words.filter((w) => text.includes(w)).length / words.length;
      })
      // Counted here with the tokenizer: a miner's own completionTokens is a claim, not a measurement.
      .addCriterion('length', weights.length, async (task, result) => {
        const [tokens = 0] = await this.models.countTokens([String(result.resultData.text ?? '')]);
        return Math.min(1, tokens / textRequestOf(task).maxNewTokens);
      })
      .addCriterion('speed', weights.speed, (_task, _result, _signal, observation) => {
        if (!observation) throw new InvalidSubnetInputError('observation', 'is missing');
        return observedSpeed(observation);
      });
    if (weights.reproduction > 0) {
      this.scorer.addCriterion('reproduction', weights.reproduction, (task, result) =>
        this.#reproduction(task, result),
      );
    }
  }

  /** Loads the reward model and the generator's tokenizer (failing with `ModelLoadError`). */
  static async create(options: TextGenerationValidatorOptions): Promise<TextGenerationValidator> {
    const models = new TextModels({
      generator: options.generator,
      reward: options.rewardModel,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    try {
      await models.load();
    } catch (error) {
      await models.close();
      throw error;
    }
    return new TextGenerationValidator(models, options);
  }

  async createTask(context: TaskContextInput): Promise<Task> {
    const { prompt, topic, maxNewTokens } = promptFor(context.difficulty, randomInt(1 << 30));
    return newTask(context, {
      taskData: { prompt, topic, maxNewTokens, difficulty: context.difficulty },
      timeoutMs: this.#timeoutMs,
    });
  }

  async scoreResult(task: Task, result: Result, observation: Observation): Promise<Judgement> {
    const [score] = await this.scoreResults([{ task, result, observation }]);
    if (!score) throw new InvalidSubnetInputError('result', 'could not be scored');
    return score;
  }

  /**
   * Scores many answers at once: one reward-model batch for those that
   * reproduce enough of the validator's reference; the others score 0
   * (code `not_reproduced`), speed and all.
   */
  async scoreResults(answers: readonly ObservedAnswer[]): Promise<Judgement[]> {
    const shares = this.#reproduces
      ? await Promise.all(answers.map(({ task, result }) => this.#reproduction(task, result)))
      : answers.map(() => 1);
    const passing = answers.filter((_, i) => (shares[i] ?? 0) >= this.#minReproduction);
    const scores = await this.scorer.scoreBatch(passing);
    let next = 0;
    return answers.map((_, i): Judgement => {
      const share = shares[i] ?? 0;
      if (share < this.#minReproduction) {
        return {
          value: 0,
          confidence: 1,
          metadata: {
            code: 'not_reproduced',
            reason: `the answer reproduces ${(share * 100).toFixed(0)}% of the reference; ${(this.#minReproduction * 100).toFixed(0)}% is needed`,
            reproduction: share,
          },
        };
      }
      const score = scores[next++];
      if (!score) throw new InvalidSubnetInputError('result', 'could not be scored');
      return { value: score.value, confidence: score.confidence, metadata: score.metadata };
    });
  }

  close(): Promise<void> {
    return this.models.close();
  }

  /** The share of the validator's own greedy answer that the miner's answer reproduces from its start. */
  #reproduction(task: Task, result: Result): Promise<number> {
    let share = this.#shares.get(result);
    if (!share) {
      share = this.#reproducedShare(task, result);
      this.#shares.set(result, share);
    }
    return share;
  }

  async #reproducedShare(task: Task, result: Result): Promise<number> {
    const { prompt, maxNewTokens } = textRequestOf(task);
    const reference = await this.models.generate({
      prompt,
      maxNewTokens,
      sampling: { doSample: false },
    });
    const answer = String(result.resultData.text ?? '');
    if (reference.text.length === 0) return answer.length === 0 ? 1 : 0;
    let same = 0;
    while (same < reference.text.length && answer[same] === reference.text[same]) same += 1;
    return same / Math.max(reference.text.length, answer.length);
  }

  async #rewards(pairs: readonly ScoredPair[]): Promise<number[]> {
    const logits = await this.models.reward(
      pairs.map(({ task }) => textRequestOf(task).prompt),
      pairs.map(({ result }) => String(result.resultData.text ?? '')),
    );
    return logits.map(sigmoid);
  }
}
