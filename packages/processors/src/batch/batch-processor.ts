import { LatencyHistogram, type LatencySnapshot } from '@mt/protocol';
import { BatchContractError, TaskCancelledError } from '../errors.js';
import { check } from '../options.js';

/** One item's outcome, when the batch function reports per item. */
export type ItemResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

/**
 * Processes a batch: one output per input, in order. Return plain outputs, or
 * {@link ItemResult}s so that one bad item fails only itself.
 */
export type BatchFunction<I, O> = (
  items: I[],
  signal: AbortSignal,
) => Promise<O[] | ItemResult<O>[]>;

/** Tunes the batch size toward a latency target (Triton-style dynamic batching). */
export interface AdaptiveBatching {
  /** Batch latency to aim for, in ms. */
  targetLatencyMs: number;
  /** Smallest size the tuner may choose. Default 1. */
  minBatchSize?: number;
}

/** Options of {@link BatchProcessor}. */
export interface BatchProcessorOptions {
  /** Largest batch. Default 32. */
  maxBatchSize?: number;
  /**
   * How long a batch may wait for more items after its first, in ms. Default 0:
   * take whatever is queued when a worker frees up.
   */
  maxDelayMs?: number;
  /** Batches running at once. Default 1. */
  concurrency?: number;
  /** Turn on size tuning toward a latency target. */
  adaptive?: AdaptiveBatching;
  /**
   * The batch function returns an {@link ItemResult} per item, so one bad item
   * fails only itself. Default false: it returns plain outputs.
   */
  perItemResults?: boolean;
  /** Clock in ms for delays, latencies and throughput; injectable for tests. Default `performance.now`. */
  now?: () => number;
}

/** What a {@link BatchProcessor} has done. */
export interface BatchStats {
  items: number;
  batches: number;
  failedItems: number;
  /** Number of batches of each size. */
  batchSizes: Record<number, number>;
  /** The size the next batch will use (tuned when adaptive). */
  currentBatchSize: number;
  /** Time items waited before their batch started, in ms. */
  queueDelay: LatencySnapshot;
  /** Time batches took, in ms. */
  batchLatency: LatencySnapshot;
  /** Items completed per second since the first item arrived. */
  throughputPerSecond: number;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
  arrivedAt: number;
}

/**
 * Dynamic batching: callers submit single items and get their own result,
 * while the work runs in batches. A batch starts when `maxBatchSize` items are
 * waiting, or `maxDelayMs` after its first item arrived, or at once when
 * `maxDelayMs` is 0 and a worker is free. With `adaptive`, the size is tuned
 * after every batch toward the latency target, and the tuned size is the one
 * the next batch uses.
 *
 * @example
 * ```ts
 * const embed = new BatchProcessor((texts) => model.embed(texts), { maxBatchSize: 16, maxDelayMs: 5 });
 * const vector = await embed.process('hello');
 * ```
 */
export class BatchProcessor<I, O> {
  readonly #fn: BatchFunction<I, O>;
  #maxBatchSize: number;
  readonly #maxDelayMs: number;
  readonly #concurrency: number;
  readonly #adaptive: Required<AdaptiveBatching> | undefined;
  readonly #perItemResults: boolean;
  readonly #now: () => number;
  #size: number;
  readonly #queue: Pending<I, O>[] = [];
  #running = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #controller = new AbortController();
  readonly #queueDelay = new LatencyHistogram();
  readonly #batchLatency = new LatencyHistogram();
  readonly #batchSizes: Record<number, number> = {};
  #items = 0;
  #batches = 0;
  #failedItems = 0;
  #firstArrival: number | undefined;

  constructor(fn: BatchFunction<I, O>, options: BatchProcessorOptions = {}) {
    this.#fn = fn;
    this.#maxBatchSize = check.integer('maxBatchSize', options.maxBatchSize ?? 32);
    this.#maxDelayMs = check.nonNegative('maxDelayMs', options.maxDelayMs ?? 0);
    this.#concurrency = check.integer('concurrency', options.concurrency ?? 1);
    this.#perItemResults = options.perItemResults ?? false;
    this.#now = options.now ?? (() => performance.now());
    if (options.adaptive) {
      const minBatchSize = check.integer(
        'adaptive.minBatchSize',
        options.adaptive.minBatchSize ?? 1,
      );
      this.#adaptive = {
        targetLatencyMs: check.nonNegative(
          'adaptive.targetLatencyMs',
          options.adaptive.targetLatencyMs,
        ),
        minBatchSize: Math.min(minBatchSize, this.#maxBatchSize),
      };
      this.#size = this.#adaptive.minBatchSize;
    } else {
      this.#size = this.#maxBatchSize;
    }
  }

  /** Submits one item; resolves with its own output. */
  process(item: I): Promise<O> {
    if (this.#closed)
      return Promise.reject(new TaskCancelledError('the batch processor is closed'));
    return new Promise<O>((resolve, reject) => {
      const arrivedAt = this.#now();
      this.#firstArrival ??= arrivedAt;
      this.#queue.push({ item, resolve, reject, arrivedAt });
      this.#schedule();
    });
  }

  /** Changes the largest batch at run time; the adaptive tuner stays within it. */
  setMaxBatchSize(size: number): void {
    this.#maxBatchSize = check.integer('maxBatchSize', size);
    this.#size = Math.min(this.#size, this.#maxBatchSize);
    if (!this.#adaptive) this.#size = this.#maxBatchSize;
    this.#schedule();
  }

  /** Batches run, items processed and the batch size in use now. */
  stats(): BatchStats {
    const elapsed =
      this.#firstArrival === undefined ? 0 : (this.#now() - this.#firstArrival) / 1000;
    return {
      items: this.#items,
      batches: this.#batches,
      failedItems: this.#failedItems,
      batchSizes: { ...this.#batchSizes },
      currentBatchSize: this.#size,
      queueDelay: this.#queueDelay.snapshot(),
      batchLatency: this.#batchLatency.snapshot(),
      throughputPerSecond: elapsed > 0 ? this.#items / elapsed : 0,
    };
  }

  /** Rejects items still waiting, aborts running batches' signal, and refuses new items. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#controller.abort(new TaskCancelledError('the batch processor was closed'));
    for (const pending of this.#queue.splice(0))
      pending.reject(new TaskCancelledError('the batch processor was closed'));
  }

  #schedule(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const oldest = this.#queue[0] as Pending<I, O>;
      const waited = this.#now() - oldest.arrivedAt;
      if (this.#queue.length < this.#size && waited < this.#maxDelayMs) {
        // Not full yet and still within the delay: come back when the delay is up.
        if (this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.#schedule();
          }, this.#maxDelayMs - waited);
        }
        return;
      }
      clearTimeout(this.#timer);
      this.#timer = undefined;
      void this.#run(this.#queue.splice(0, this.#size));
    }
  }

  async #run(batch: Pending<I, O>[]): Promise<void> {
    this.#running += 1;
    const started = this.#now();
    for (const pending of batch) this.#queueDelay.record(started - pending.arrivedAt);
    this.#batchSizes[batch.length] = (this.#batchSizes[batch.length] ?? 0) + 1;
    try {
      const outputs = await this.#fn(
        batch.map((p) => p.item),
        this.#controller.signal,
      );
      if (!Array.isArray(outputs) || outputs.length !== batch.length) {
        throw new BatchContractError(
          `the batch function returned ${Array.isArray(outputs) ? outputs.length : 'no'} results for ${batch.length} items; it must return one per item, in order`,
        );
      }
      for (const [i, pending] of batch.entries()) this.#settle(pending, outputs[i]);
    } catch (error) {
      this.#failedItems += batch.length;
      for (const pending of batch) pending.reject(error);
    } finally {
      const latency = this.#now() - started;
      this.#batchLatency.record(latency);
      this.#items += batch.length;
      this.#batches += 1;
      this.#tune(latency, batch.length);
      this.#running -= 1;
      this.#schedule();
    }
  }

  #settle(pending: Pending<I, O>, output: O | ItemResult<O> | undefined): void {
    if (!this.#perItemResults) {
      pending.resolve(output as O);
      return;
    }
    const result = output as ItemResult<O> | undefined;
    if (result?.ok === true) {
      pending.resolve(result.value);
      return;
    }
    this.#failedItems += 1;
    pending.reject(
      result?.ok === false
        ? result.error
        : new BatchContractError(
            'with perItemResults, each output must be { ok: true, value } or { ok: false, error }',
          ),
    );
  }

  /** Multiplicative decrease above the target, increase (by at least one) below it. */
  #tune(latencyMs: number, usedSize: number): void {
    const adaptive = this.#adaptive;
    if (!adaptive) return;
    const target = adaptive.targetLatencyMs;
    if (latencyMs > target * 1.2) {
      this.#size = Math.max(adaptive.minBatchSize, Math.floor(this.#size * 0.8));
    } else if (latencyMs < target * 0.8 && usedSize >= this.#size) {
      // Grow only when the batch was full: a small batch says nothing about larger ones.
      this.#size = Math.min(
        this.#maxBatchSize,
        Math.max(this.#size + 1, Math.ceil(this.#size * 1.25)),
      );
    }
  }
}
