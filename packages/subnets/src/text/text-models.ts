import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { BatchProcessor, ParallelProcessor } from '@mt/processors';
import { describeCause, raceWithSignal } from '@mt/protocol';
import { builtModulePath } from '@mt/protocol/node';
import { ModelLoadError, TransientSubnetError } from '../errors.js';
import type { GeneratedRow, SamplingParams, TextModelTask } from './text-model-worker.js';
import { requireTextPeers } from './text-peers.js';

/** Options of {@link TextModels}. */
export interface TextModelsOptions {
  /** A causal LM: a local model folder (Transformers.js layout) or a Hub id. */
  generator?: string;
  /** A sequence-classification reward model, likewise. */
  reward?: string;
  /** Inference threads (each runs onnxruntime with one intra-op thread). Default 1. */
  threads?: number;
  /** Dynamic batching of generation requests. Default: up to 16 per batch, waiting up to 5 ms for more. */
  batch?: { maxBatchSize?: number; maxDelayMs?: number };
}

/** One generation request. */
export interface GenerationRequest {
  prompt: string;
  maxNewTokens: number;
  sampling?: SamplingParams;
  /** Stops this request's row in the worker, between two tokens, when it fires. */
  signal?: AbortSignal;
}

/** A model reference that names a folder on this machine (rather than a Hub id). */
async function localFolder(model: string): Promise<string | undefined> {
  const path = resolve(model);
  const looksLocal = isAbsolute(model) || model.startsWith('.') || model.split('/').length !== 2;
  const exists = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (exists) return path;
  if (looksLocal) throw new ModelLoadError(model, `no model folder at ${path}`);
  return undefined;
}

/**
 * The text models of a subnet, run in worker threads (so a miner's server
 * stays responsive) with requests batched dynamically through
 * `@mt/processors`' `BatchProcessor`: rows are left-padded, generated
 * together, and each is cut at its own first end-of-sequence token and its
 * own token limit. Token counts come from the tokenizer.
 */
export class TextModels {
  readonly #options: TextModelsOptions;
  readonly #pool: ParallelProcessor<TextModelTask, GeneratedRow[] | number[] | null>;
  readonly #batchers = new Map<string, BatchProcessor<GenerationRequest, GeneratedRow>>();
  #resolved: { generator?: string; reward?: string; allowRemote: boolean } | undefined;
  #contextTokens: number | undefined;

  /** @throws MissingPeerError when Transformers.js or onnxruntime is not installed. */
  constructor(options: TextModelsOptions) {
    requireTextPeers();
    this.#options = options;
    // @mt/processors' pool: a worker that crashed is replaced and its task retried.
    this.#pool = new ParallelProcessor({
      filename: builtModulePath(new URL('./text-model-worker.js', import.meta.url)),
      maxThreads: Math.max(1, options.threads ?? 1),
      idleTimeoutMs: 60_000,
    });
  }

  /**
   * Finds and loads the models in the workers.
   *
   * @throws ModelLoadError naming the model and the reason, never falling back to anything.
   */
  async load(): Promise<void> {
    const roles: ['generator' | 'reward', string][] = [];
    if (this.#options.generator !== undefined) roles.push(['generator', this.#options.generator]);
    if (this.#options.reward !== undefined) roles.push(['reward', this.#options.reward]);
    const found: { role: 'generator' | 'reward'; original: string; model: string }[] = [];
    for (const [role, original] of roles) {
      const folder = await localFolder(original);
      if (folder) {
        await stat(join(folder, 'config.json')).catch((error: unknown) => {
          throw new ModelLoadError(
            original,
            `${folder} has no config.json; is it a Transformers.js model folder?`,
            {
              cause: error,
            },
          );
        });
      }
      found.push({ role, original, model: folder ?? original });
    }
    // Hub ids need the network; local folders must never reach for it.
    const allowRemote = found.some(({ original, model }) => original === model);
    for (const { role, original, model } of found) {
      try {
        const loaded = await this.#pool.run({ kind: 'load', model, role, allowRemote });
        if (role === 'generator') this.#contextTokens = (loaded as number[] | null)?.[0];
      } catch (error) {
        throw new ModelLoadError(original, describeCause(error), {
          cause: error,
        });
      }
    }
    const generator = found.find((f) => f.role === 'generator')?.model;
    const reward = found.find((f) => f.role === 'reward')?.model;
    this.#resolved = {
      ...(generator === undefined ? {} : { generator }),
      ...(reward === undefined ? {} : { reward }),
      allowRemote,
    };
  }

  #models() {
    if (!this.#resolved)
      throw new ModelLoadError(
        this.#options.generator ?? this.#options.reward ?? '(none)',
        'call load() first',
      );
    return this.#resolved;
  }

  /**
   * The tokens a prompt and its answer must fit in together (the generator's
   * `max_position_embeddings`, `n_positions` or `n_ctx`), once loaded;
   * `undefined` when its config names none.
   */
  get contextTokens(): number | undefined {
    return this.#contextTokens;
  }

  /**
   * Generates for one prompt, batched with concurrent requests that share its
   * sampling settings. When `signal` fires, the promise rejects at once with
   * its reason, and the row stops in the worker at its next token.
   */
  generate(
    request: GenerationRequest,
    options: { signal?: AbortSignal } = {},
  ): Promise<GeneratedRow> {
    const signal = options.signal ?? request.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const sampling = request.sampling ?? { doSample: false };
    const key = JSON.stringify(sampling);
    let batcher = this.#batchers.get(key);
    if (!batcher) {
      batcher = new BatchProcessor(
        (items) => this.generateBatch(items.map((i) => ({ ...i, sampling }))),
        {
          maxBatchSize: this.#options.batch?.maxBatchSize ?? 16,
          maxDelayMs: this.#options.batch?.maxDelayMs ?? 5,
        },
      );
      this.#batchers.set(key, batcher);
    }
    const row = batcher.process(signal ? { ...request, signal } : request);
    return signal ? raceWithSignal(row, signal) : row;
  }

  /**
   * Generates for several prompts as one batch (all with the first request's
   * sampling settings). Each request's signal stops its own row: the worker
   * reads a flag per row, shared with it, between tokens, and ends the batch
   * once every row is done or stopped.
   */
  async generateBatch(requests: readonly GenerationRequest[]): Promise<GeneratedRow[]> {
    const { generator, allowRemote } = this.#models();
    if (generator === undefined)
      throw new ModelLoadError('(none)', 'no generator model was configured');
    const cancelled = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, requests.length)));
    const stops = requests.map((request, row) => {
      const stop = () => Atomics.store(cancelled, row, 1);
      if (request.signal?.aborted) stop();
      else request.signal?.addEventListener('abort', stop, { once: true });
      return () => request.signal?.removeEventListener('abort', stop);
    });
    try {
      return (await this.#pool.run({
        kind: 'generate',
        model: generator,
        prompts: requests.map((r) => r.prompt),
        maxNewTokens: requests.map((r) => r.maxNewTokens),
        sampling: requests[0]?.sampling ?? { doSample: false },
        allowRemote,
        cancelled,
      })) as GeneratedRow[];
    } catch (error) {
      throw new TransientSubnetError(`generation failed: ${describeCause(error)}`, {
        cause: error,
      });
    } finally {
      for (const release of stops) release();
    }
  }

  /** The generator tokenizer's token count of each text (what a validator trusts instead of a miner's claim). */
  async countTokens(texts: readonly string[]): Promise<number[]> {
    const { generator, allowRemote } = this.#models();
    if (generator === undefined)
      throw new ModelLoadError('(none)', 'no generator model was configured');
    return (await this.#pool.run({
      kind: 'count',
      model: generator,
      texts: [...texts],
      allowRemote,
    })) as number[];
  }

  /** Raw reward-model logits for (prompt, response) pairs, scored as one batch. */
  async reward(prompts: readonly string[], responses: readonly string[]): Promise<number[]> {
    const { reward, allowRemote } = this.#models();
    if (reward === undefined) throw new ModelLoadError('(none)', 'no reward model was configured');
    return (await this.#pool.run({
      kind: 'reward',
      model: reward,
      prompts: [...prompts],
      responses: [...responses],
      allowRemote,
    })) as number[];
  }

  /**
   * Stops the batchers and the worker threads, after the runs in flight end:
   * terminating a thread inside a native onnxruntime run aborts the process.
   */
  async close(): Promise<void> {
    for (const batcher of this.#batchers.values()) batcher.close();
    this.#batchers.clear();
    await this.#pool.close();
  }
}
