import { describeCause, LatencyHistogram, type LatencySnapshot } from '@mt/protocol';
import { QueueFullError, TaskCancelledError, TaskExpiredError } from '../errors.js';
import { check } from '../options.js';
import { BinaryHeap } from './binary-heap.js';

/** Options of {@link TaskQueue}. */
export interface TaskQueueOptions {
  /** Tasks running at once. Default 1. */
  concurrency?: number;
  /** Tasks waiting at most (running ones not counted). Default 1000. */
  maxSize?: number;
  /** When full: reject with `QueueFullError` (default), or make `add` wait for room. */
  whenFull?: 'reject' | 'wait';
  /**
   * A waiting task gains one priority level per `agingMs` of waiting, so low
   * priorities cannot starve. Default 1000; 0 turns aging off.
   */
  agingMs?: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

/** Options of {@link TaskQueue.add}. */
export interface AddOptions {
  /** Higher runs sooner. Default 0. */
  priority?: number;
  /** Epoch ms after which the task must not start; it is rejected with `TaskExpiredError`. */
  deadline?: number;
  /** Cancels the task: removed if waiting, signalled if running. */
  signal?: AbortSignal;
}

/** Counters and wait times of a {@link TaskQueue}. */
export interface TaskQueueStats {
  waiting: number;
  running: number;
  completed: number;
  failed: number;
  expired: number;
  cancelled: number;
  rejected: number;
  /** Time from `add` to start, in ms. */
  wait: LatencySnapshot;
}

interface Entry {
  run: (signal: AbortSignal) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  priority: number;
  enqueuedAt: number;
  sequence: number;
  deadline: number | undefined;
  signal: AbortSignal | undefined;
  settled: boolean;
  cleanup: () => void;
}

/**
 * A priority task queue. Higher priority runs sooner, FIFO within a priority;
 * with aging, a task waiting `agingMs` counts one level higher, so nothing
 * starves. Tasks can carry a deadline (never run once it passes) and an
 * `AbortSignal`. The number waiting is bounded, with rejection or waiting as
 * backpressure, and at most `concurrency` run at once.
 *
 * Aging is linear in waiting time, so the order between two waiting tasks
 * never changes while they wait: ordering by `priority · agingMs − enqueuedAt`
 * is the same as ordering by aged priority at any moment, and a heap stays valid.
 *
 * @example
 * ```ts
 * const queue = new TaskQueue({ concurrency: 2, maxSize: 100 });
 * const answer = await queue.add((signal) => fetchWork(signal), { priority: 5, deadline: Date.now() + 1000 });
 * ```
 */
export class TaskQueue {
  readonly #concurrency: number;
  readonly #maxSize: number;
  readonly #whenFull: 'reject' | 'wait';
  readonly #agingMs: number;
  readonly #now: () => number;
  readonly #heap: BinaryHeap<Entry>;
  readonly #roomWaiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];
  readonly #wait = new LatencyHistogram();
  #waitingCount = 0;
  #running = 0;
  #sequence = 0;
  #closed = false;
  readonly #counts = { completed: 0, failed: 0, expired: 0, cancelled: 0, rejected: 0 };

  constructor(options: TaskQueueOptions = {}) {
    this.#concurrency = check.integer('concurrency', options.concurrency ?? 1);
    this.#maxSize = check.integer('maxSize', options.maxSize ?? 1000);
    this.#whenFull = options.whenFull ?? 'reject';
    this.#agingMs = check.nonNegative('agingMs', options.agingMs ?? 1000);
    this.#now = options.now ?? Date.now;
    const key = (e: Entry) =>
      this.#agingMs === 0 ? e.priority : e.priority * this.#agingMs - e.enqueuedAt;
    this.#heap = new BinaryHeap<Entry>((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka !== kb ? ka > kb : a.sequence < b.sequence;
    });
  }

  /**
   * Queues `task` and resolves with its result. Rejects with `QueueFullError`
   * (when full and `whenFull` is 'reject'), `TaskExpiredError`, or
   * `TaskCancelledError`; otherwise with whatever the task throws.
   */
  async add<T>(
    task: (signal: AbortSignal) => Promise<T> | T,
    options: AddOptions = {},
  ): Promise<T> {
    if (this.#closed) throw new TaskCancelledError('the queue is closed');
    if (options.signal?.aborted) {
      this.#counts.cancelled += 1;
      throw new TaskCancelledError(describeCause(options.signal.reason));
    }
    while (this.#waitingCount >= this.#maxSize) {
      if (this.#whenFull === 'reject') {
        this.#counts.rejected += 1;
        throw new QueueFullError(this.#maxSize);
      }
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
      if (this.#closed) throw new TaskCancelledError('the queue is closed');
    }
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        run: async (signal) => task(signal),
        resolve: resolve as (value: unknown) => void,
        reject,
        priority: options.priority ?? 0,
        enqueuedAt: this.#now(),
        sequence: this.#sequence++,
        deadline: options.deadline,
        signal: options.signal,
        settled: false,
        cleanup: () => undefined,
      };
      const timers: NodeJS.Timeout[] = [];
      const onAbort = () =>
        this.#drop(
          entry,
          'cancelled',
          new TaskCancelledError(describeCause(options.signal?.reason)),
        );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (entry.deadline !== undefined) {
        const delay = Math.max(0, entry.deadline - this.#now());
        const deadline = entry.deadline;
        timers.push(
          setTimeout(() => this.#drop(entry, 'expired', new TaskExpiredError(deadline)), delay),
        );
      }
      entry.cleanup = () => {
        for (const timer of timers) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      this.#heap.push(entry);
      this.#waitingCount += 1;
      this.#pump();
    });
  }

  /** Counters, sizes and wait times. */
  stats(): TaskQueueStats {
    return {
      waiting: this.#waitingCount,
      running: this.#running,
      ...this.#counts,
      wait: this.#wait.snapshot(),
    };
  }

  /** Resolves when nothing is waiting or running. */
  onIdle(): Promise<void> {
    if (this.#waitingCount === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Refuses new tasks and cancels waiting ones; running tasks finish. */
  close(): void {
    this.#closed = true;
    let entry = this.#heap.pop();
    while (entry) {
      this.#drop(entry, 'cancelled', new TaskCancelledError('the queue was closed'));
      entry = this.#heap.pop();
    }
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  /** Settles a waiting entry without running it; it is skipped when popped. */
  #drop(entry: Entry, outcome: 'cancelled' | 'expired', error: Error): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.cleanup();
    this.#counts[outcome] += 1;
    this.#waitingCount -= 1;
    entry.reject(error);
    this.#roomWaiters.shift()?.();
    this.#checkIdle();
  }

  #pump(): void {
    while (this.#running < this.#concurrency) {
      const entry = this.#heap.pop();
      if (!entry) break;
      if (entry.settled) continue;
      entry.settled = true;
      entry.cleanup();
      this.#waitingCount -= 1;
      this.#roomWaiters.shift()?.();
      if (entry.deadline !== undefined && this.#now() > entry.deadline) {
        this.#counts.expired += 1;
        entry.reject(new TaskExpiredError(entry.deadline));
        continue;
      }
      this.#start(entry);
    }
    this.#checkIdle();
  }

  #start(entry: Entry): void {
    this.#running += 1;
    this.#wait.record(Math.max(0, this.#now() - entry.enqueuedAt));
    const controller = new AbortController();
    const onAbort = () => controller.abort(entry.signal?.reason);
    entry.signal?.addEventListener('abort', onAbort, { once: true });
    entry
      .run(controller.signal)
      .then(
        (value) => {
          this.#counts.completed += 1;
          entry.resolve(value);
        },
        (error: unknown) => {
          this.#counts.failed += 1;
          entry.reject(error);
        },
      )
      .finally(() => {
        entry.signal?.removeEventListener('abort', onAbort);
        this.#running -= 1;
        this.#pump();
      });
  }

  #checkIdle(): void {
    if (this.#waitingCount === 0 && this.#running === 0)
      for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
