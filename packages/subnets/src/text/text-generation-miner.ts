import { existsSync } from 'node:fs';
import {
  type JsonObject,
  type Solution,
  type SolveContext,
  type SubnetMiner,
  type Task,
  TaskValidationError,
} from '@mt/protocol';
import type { SamplingParams } from './text-model-worker.js';
import { TextModels } from './text-models.js';
import { TEXT_GENERATION, type TextRequest, textRequestOf } from './text-task.js';

/** Special tokens a tokenizer may add around a prompt (BOS, a leading space marker). */
const SPECIAL_TOKENS = 4;

/** Options of {@link TextGenerationMiner.create}. */
export interface TextGenerationMinerOptions {
  /** A causal LM: local folder (Transformers.js layout) or Hub id. */
  generator: string;
  /** Sampling for answers. Default greedy. */
  sampling?: SamplingParams;
  /** Inference worker threads. Default 1. */
  threads?: number;
  /** Dynamic batching of generation. Default up to 16, waiting up to 5 ms. */
  batch?: { maxBatchSize?: number; maxDelayMs?: number };
  /**
   * Registers the generator (when it is a local folder) as a model version:
   * pass `@mt/models`' `ModelManager`.
   */
  modelManager?: ModelRegistrar;
  /** Id and version to register under. Default `text-generator` and `1.0.0`. */
  modelId?: string;
  modelVersion?: string;
}

/**
 * What the miner needs of `@mt/models`' `ModelManager` to register its
 * generator. Declared here, so `@mt/subnets` does not install SQLite for a
 * type.
 */
export interface ModelRegistrar {
  /** Registers a model (id, name, framework, task type). */
  registerModel(registration: {
    id: string;
    name: string;
    framework: string;
    taskType: string;
  }): unknown;
  /** A registered model's versions. */
  getModel(id: string): { versions: readonly string[] };
  /** Imports a folder as a new version of a model. */
  addVersion(
    id: string,
    version: string,
    source: { path: string; metadata: JsonObject },
  ): Promise<unknown>;
}

/**
 * The miner of the text-generation subnet: generates with a causal LM through
 * Transformers.js, batched in worker threads. It loads only the generator.
 * A task's signal (its deadline) stops its row of the batch in the worker,
 * between two tokens, and a batch whose rows are all stopped ends there.
 *
 * @example
 * ```ts
 * const miner = await TextGenerationMiner.create({ generator: 'models/tiny-gpt2' });
 * ```
 */
export class TextGenerationMiner implements SubnetMiner {
  readonly name = TEXT_GENERATION.name;
  readonly version = TEXT_GENERATION.version;
  readonly models: TextModels;
  readonly sampling: SamplingParams;

  private constructor(models: TextModels, sampling: SamplingParams) {
    this.models = models;
    this.sampling = sampling;
  }

  /** Loads the generator (failing with `ModelLoadError`) and registers it when asked to. */
  static async create(options: TextGenerationMinerOptions): Promise<TextGenerationMiner> {
    const models = new TextModels({
      generator: options.generator,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      ...(options.batch === undefined ? {} : { batch: options.batch }),
    });
    try {
      await models.load();
      await register(options);
    } catch (error) {
      await models.close();
      throw error;
    }
    return new TextGenerationMiner(models, options.sampling ?? { doSample: false });
  }

  /** Sampled answers without a seed are meant to differ, so they are never cached. */
  get deterministic(): boolean {
    return !this.sampling.doSample || this.sampling.seed !== undefined;
  }

  /** Generates the answer to `task` in its row of a batch; the row stops when `context.signal` fires. */
  async solveTask(task: Task, context: SolveContext): Promise<Solution> {
    const request = textRequestOf(task);
    await this.#checkContext(task, request);
    const { prompt, maxNewTokens } = request;
    const row = await this.models.generate(
      { prompt, maxNewTokens, sampling: this.sampling },
      { signal: context.signal },
    );
    return {
      resultData: {
        text: row.text,
        promptTokens: row.promptTokens,
        completionTokens: row.completionTokens,
        stopped: row.stopped,
      },
    };
  }

  close(): Promise<void> {
    return this.models.close();
  }

  /**
   * Refuses, as invalid input (a 422 that no one retries), a task whose
   * prompt and answer cannot fit the model's context: the model runtime
   * would fail deep inside and the miner answer 500. A token covers at
   * least one byte of text, so a prompt short enough in bytes fits without
   * being counted; a longer one is counted by the generator's tokenizer.
   */
  async #checkContext(task: Task, { prompt, maxNewTokens }: TextRequest): Promise<void> {
    const context = this.models.contextTokens;
    if (context === undefined) return;
    if (Buffer.byteLength(prompt) + SPECIAL_TOKENS + maxNewTokens <= context) return;
    const [tokens = 0] = await this.models.countTokens([prompt]);
    if (tokens + maxNewTokens > context) {
      throw new TaskValidationError(
        task.taskId,
        `the prompt is ${tokens} tokens and asks for ${maxNewTokens} more, past this model's context of ${context}`,
      );
    }
  }
}

async function register(options: TextGenerationMinerOptions): Promise<void> {
  const manager = options.modelManager;
  // Only a local folder can be imported; a Hub id stays where it is.
  if (!manager || !existsSync(options.generator)) return;
  const id = options.modelId ?? 'text-generator';
  const version = options.modelVersion ?? '1.0.0';
  manager.registerModel({
    id,
    name: id,
    framework: 'transformers.js',
    taskType: 'text-generation',
  });
  if (!manager.getModel(id).versions.includes(version)) {
    await manager.addVersion(id, version, {
      path: options.generator,
      metadata: { source: options.generator },
    });
  }
}
