import { availableParallelism } from 'node:os';
import { describeCause } from '@mt/protocol';
import { Piscina } from 'piscina';
import { TaskCancelledError } from '../errors.js';
import { check } from '../options.js';

/** Options of {@link ParallelProcessor}. */
export interface ParallelProcessorOptions {
  /** The worker module (path or `file:` URL); its default export handles one task. */
  filename: string | URL;
  /**
   * Threads each task itself uses (e.g. onnxruntime's intra-op threads). The
   * default thread count is cores / threadsPerTask, so the two do not
   * oversubscribe the CPU. Default 1.
   */
  threadsPerTask?: number;
  /** Worker threads at most. Default `max(1, floor(cores / threadsPerTask))`. */
  maxThreads?: number;
  /**
   * Worker threads kept while idle. Default 1 (no start-up on the next task);
   * 0 for work whose worker holds much memory between tasks (a prover).
   */
  minThreads?: number;
  /** How often a task is retried when its worker crashed (not when it threw). Default 2. */
  maxRetries?: number;
  /** Idle workers are stopped after this many ms. Default 30 s. */
  idleTimeoutMs?: number;
}

/** Counters of a {@link ParallelProcessor}. */
export interface ParallelStats {
  completed: number;
  failed: number;
  /** Attempts lost to a crashed worker (each retried while retries remain). */
  crashes: number;
  retried: number;
  threads: number;
  maxThreads: number;
  /** Share of the pool's capacity spent running tasks since it started, in [0, 1]. */
  utilization: number;
}

const CRASH = /^(worker exited with code|Terminating worker thread)/;

/**
 * CPU-bound work on a pool of worker threads (piscina). Each task runs in a
 * worker; a task that throws fails alone; a task whose worker crashed (exit,
 * out of memory) is retried on a fresh worker up to `maxRetries` times.
 *
 * @example
 * ```ts
 * const pool = new ParallelProcessor<Input, Output>({ filename: new URL('./infer-worker.js', import.meta.url) });
 * const outcomes = await pool.runAll(inputs); // PromiseSettledResult per input, in order
 * ```
 */
export class ParallelProcessor<T, R> {
  readonly #pool: Piscina<T, R>;
  readonly #maxRetries: number;
  readonly #counts = { completed: 0, failed: 0, crashes: 0, retried: 0 };
  #closed = false;

  constructor(options: ParallelProcessorOptions) {
    const threadsPerTask = check.integer('threadsPerTask', options.threadsPerTask ?? 1);
    const maxThreads = check.integer(
      'maxThreads',
      options.maxThreads ?? Math.max(1, Math.floor(availableParallelism() / threadsPerTask)),
    );
    this.#maxRetries = check.integer('maxRetries', options.maxRetries ?? 2, 0);
    const minThreads = Math.min(
      check.integer('minThreads', options.minThreads ?? 1, 0),
      maxThreads,
    );
    const filename = options.filename instanceof URL ? options.filename.href : options.filename;
    this.#pool = new Piscina<T, R>({
      filename,
      maxThreads,
      minThreads,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
    });
  }

  /** Runs one task; rejects with its error, or `TaskCancelledError` when `signal` aborts. */
  async run(task: T, options: { signal?: AbortSignal } = {}): Promise<R> {
    if (this.#closed) throw new TaskCancelledError('the processor is closed');
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await this.#pool.run(task, options.signal ? { signal: options.signal } : {});
        this.#counts.completed += 1;
        return result;
      } catch (error) {
        if (options.signal?.aborted) {
          this.#counts.failed += 1;
          throw new TaskCancelledError(describeCause(options.signal.reason), { cause: error });
        }
        const crashed = error instanceof Error && CRASH.test(error.message);
        if (crashed) this.#counts.crashes += 1;
        if (crashed && attempt < this.#maxRetries && !this.#closed) {
          this.#counts.retried += 1;
          continue;
        }
        this.#counts.failed += 1;
        throw error;
      }
    }
  }

  /** Runs every task and settles each on its own: one failure never hides the others. */
  runAll(
    tasks: readonly T[],
    options: { signal?: AbortSignal } = {},
  ): Promise<PromiseSettledResult<R>[]> {
    return Promise.allSettled(tasks.map((task) => this.run(task, options)));
  }

  /** Tasks run, failed and retried, and the threads in use. */
  stats(): ParallelStats {
    return {
      ...this.#counts,
      threads: this.#pool.threads.length,
      maxThreads: this.#pool.maxThreads,
      utilization: this.#pool.utilization,
    };
  }

  /** Lets running tasks finish, then stops the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#pool.close();
  }
}
