import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ModelManager } from '@mt/models';
import type { JsonObject, Result, Solution, Task, TaskContext } from '@mt/protocol';
import { AdvancedScorer, type ScoredPair, ScoringMethod } from '@mt/scoring';
import { BaseSubnet, type BaseSubnetOptions } from '../base/base-subnet.js';
import { InvalidSubnetInputError } from '../errors.js';
import { promptFor } from './prompt-templates.js';
import type { SamplingParams } from './text-model-worker.js';
import { TextModels } from './text-models.js';

/** Weights of the criteria in a text-generation score. */
export interface TextScoreWeights {
  /** The reward model's judgement of (prompt, response). */
  quality: number;
  /** Share of the topic's words the response uses. */
  relevance: number;
  /** New tokens against the task's allowance. */
  length: number;
  /** Execution time against the task's timeout. */
  speed: number;
  /**
   * Agreement with the validator's own greedy generation of the prompt (the
   * share of the reference reproduced, from the start). Only with greedy
   * sampling, where the answer is determined by the model; default 0 (off).
   */
  reproduction: number;
}

/** Options of {@link TextGenerationSubnet}. */
export interface TextGenerationSubnetOptions
  extends Partial<Pick<BaseSubnetOptions, 'cache' | 'retry' | 'registry' | 'now'>> {
  /** A causal LM: local folder (Transformers.js layout) or Hub id. */
  generator: string;
  /** A sequence-classification reward model: local folder or Hub id. */
  rewardModel: string;
  /** Sampling for miners' answers. Default greedy. */
  sampling?: SamplingParams;
  /** Inference worker threads. Default 1. */
  threads?: number;
  /** Dynamic batching of generation. Default up to 16, waiting up to 5 ms. */
  batch?: { maxBatchSize?: number; maxDelayMs?: number };
  /** Time a miner has per task. Default 30 s. */
  timeoutMs?: number;
  /** Default quality 0.5, relevance 0.2, length 0.15, speed 0.15, reproduction 0. */
  weights?: Partial<TextScoreWeights>;
  /** Registers the generator (when it is a local folder) as a model version in this manager. */
  modelManager?: ModelManager;
  /** Id and version to register under. Default `text-generator` and `1.0.0`. */
  modelId?: string;
  modelVersion?: string;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function stringField(data: JsonObject, field: string): string {
  const value = data[field];
  if (typeof value !== 'string')
    throw new InvalidSubnetInputError(`taskData.${field}`, 'must be a string');
  return value;
}

/**
 * Text generation on any causal LM through Transformers.js. Validators create
 * prompts from difficulty-based templates; miners generate (batched in
 * worker threads); validators score with a reward model and three more
 * criteria through `AdvancedScorer`. A model that cannot load fails
 * `setup()` with `ModelLoadError`; there is no canned text anywhere.
 *
 * @example
 * ```ts
 * const subnet = new TextGenerationSubnet({ generator: 'models/tiny-gpt2', rewardModel: 'models/tiny-reward' });
 * await subnet.setup();
 * const task = await subnet.createTask({ minerUid: 'm1', difficulty: 0.5, subnetUid: 1, cycle: 0 });
 * const score = await subnet.scoreResult(task, await subnet.solveTask(task));
 * ```
 */
export class TextGenerationSubnet extends BaseSubnet {
  readonly models: TextModels;
  readonly scorer: AdvancedScorer;
  readonly #options: TextGenerationSubnetOptions;
  readonly #sampling: SamplingParams;

  constructor(options: TextGenerationSubnetOptions) {
    super({
      name: 'text-generation',
      version: '1.0.0',
      description: 'Causal language model text generation, scored by a reward model',
      ...options,
    });
    this.#options = options;
    this.#sampling = options.sampling ?? { doSample: false };
    this.models = new TextModels({
      generator: options.generator,
      reward: options.rewardModel,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.batch === undefined ? {} : { batch: options.batch }),
    });
    const given = options.weights ?? {};
    const weights: TextScoreWeights = {
      quality: given.quality ?? 0.5,
      relevance: given.relevance ?? 0.2,
      length: given.length ?? 0.15,
      speed: given.speed ?? 0.15,
      reproduction: given.reproduction ?? 0,
    };
    if (weights.reproduction > 0 && this.#sampling.doSample) {
      throw new InvalidSubnetInputError(
        'weights.reproduction',
        'needs greedy sampling: sampled answers are not reproducible',
      );
    }
    this.scorer = new AdvancedScorer({
      method: ScoringMethod.WEIGHTED,
      rewardModel: (pairs) => this.#rewards(pairs),
      rewardWeight: weights.quality,
    })
      .addCriterion('relevance', weights.relevance, (task, result) => {
        const words = stringField(task.taskData, 'topic').toLowerCase().split(/\s+/);
        const text = String(result.resultData.text ?? '').toLowerCase();
        return words.filter((w) => text.includes(w)).length / words.length;
      })
      // Counted here with the tokenizer: a miner's own completionTokens is a claim, not a measurement.
      .addCriterion('length', weights.length, async (task, result) => {
        const [tokens = 0] = await this.models.countTokens([String(result.resultData.text ?? '')]);
        return Math.min(1, tokens / Number(task.taskData.maxNewTokens ?? 1));
      })
      .addCriterion(
        'speed',
        weights.speed,
        (task, result) => result.executionTimeMs ?? task.timeoutMs ?? 0,
        {
          minScore: this.#timeout(),
          maxScore: 0,
        },
      );
    if (weights.reproduction > 0) {
      this.scorer.addCriterion('reproduction', weights.reproduction, (task, result) =>
        this.#reproduction(task, result),
      );
    }
  }

  /** The share of the validator's own greedy answer that the miner's answer reproduces from its start. */
  async #reproduction(task: Task, result: Result): Promise<number> {
    const reference = await this.models.generate({
      prompt: stringField(task.taskData, 'prompt'),
      maxNewTokens: Number(task.taskData.maxNewTokens),
      sampling: this.#sampling,
    });
    const answer = String(result.resultData.text ?? '');
    if (reference.text.length === 0) return answer.length === 0 ? 1 : 0;
    let same = 0;
    while (same < reference.text.length && answer[same] === reference.text[same]) same += 1;
    return same / Math.max(reference.text.length, answer.length);
  }

  #timeout(): number {
    return this.#options.timeoutMs ?? 30_000;
  }

  async #rewards(pairs: readonly ScoredPair[]): Promise<number[]> {
    const logits = await this.models.reward(
      pairs.map(({ task }) => stringField(task.taskData, 'prompt')),
      pairs.map(({ result }) => String(result.resultData.text ?? '')),
    );
    return logits.map(sigmoid);
  }

  protected override async onSetup(): Promise<void> {
    await this.models.load();
    const manager = this.#options.modelManager;
    // Only a local folder can be imported; a Hub id stays where it is.
    if (!manager || !existsSync(this.#options.generator)) return;
    const id = this.#options.modelId ?? 'text-generator';
    const version = this.#options.modelVersion ?? '1.0.0';
    manager.registerModel({
      id,
      name: id,
      framework: 'transformers.js',
      taskType: 'text-generation',
    });
    if (!manager.getModel(id).versions.includes(version)) {
      await manager.addVersion(id, version, {
        path: this.#options.generator,
        metadata: { source: this.#options.generator },
      });
    }
  }

  protected override async onTeardown(): Promise<void> {
    await this.models.close();
  }

  protected createTaskImpl(context: TaskContext) {
    const { prompt, topic, maxNewTokens } = promptFor(context.difficulty, randomInt(1 << 30));
    return {
      taskData: { prompt, topic, maxNewTokens, difficulty: context.difficulty },
      timeoutMs: this.#timeout(),
    };
  }

  protected override validateTaskImpl(task: Task): string | undefined {
    const { prompt, maxNewTokens } = task.taskData;
    if (typeof prompt !== 'string' || prompt.trim() === '')
      return 'taskData.prompt must be a non-empty string';
    if (
      typeof maxNewTokens !== 'number' ||
      !Number.isInteger(maxNewTokens) ||
      maxNewTokens < 1 ||
      maxNewTokens > 512
    ) {
      return 'taskData.maxNewTokens must be an integer from 1 to 512';
    }
    return undefined;
  }

  protected override cacheKey(task: Task): string | undefined {
    // Sampled answers without a seed are meant to differ; never serve one twice.
    return this.#sampling.doSample && this.#sampling.seed === undefined
      ? undefined
      : super.cacheKey(task);
  }

  protected async solve(task: Task): Promise<Solution> {
    const row = await this.models.generate({
      prompt: stringField(task.taskData, 'prompt'),
      maxNewTokens: Number(task.taskData.maxNewTokens),
      sampling: this.#sampling,
    });
    return {
      resultData: {
        text: row.text,
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        stopped: row.stopped,
      },
    };
  }

  protected async scoreResultImpl(task: Task, result: Result) {
    const [score] = await this.scoreResults([{ task, result }]);
    if (!score) throw new InvalidSubnetInputError('result', 'could not be scored');
    return score;
  }

  /** Scores many results at once: one reward-model batch for all of them. */
  async scoreResults(pairs: readonly ScoredPair[]) {
    const scores = await this.scorer.scoreBatch(pairs);
    return scores.map(({ value, confidence, metadata }) => ({ value, confidence, metadata }));
  }
}
