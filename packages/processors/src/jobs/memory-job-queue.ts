import { randomUUID } from 'node:crypto';
import { describeCause } from '@mt/protocol';
import { InvalidProcessorOptionError, JobFailedError, TaskCancelledError } from '../errors.js';
import { check } from '../options.js';
import { TaskQueue } from '../queue/task-queue.js';
import type { JobHandler, JobOptions, JobQueue, JobRecord, JobState } from './job-queue.js';

interface MemoryJob<T, R> extends JobRecord<T, R> {
  attempts: number;
  backoffMs: number;
  priority: number;
  waiters: { resolve: (value: R) => void; reject: (error: unknown) => void }[];
}

/**
 * The in-process {@link JobQueue}: jobs live in memory and run on a
 * {@link TaskQueue}. Within one process each successful job runs exactly once;
 * nothing survives the process.
 */
export class MemoryJobQueue<T, R> implements JobQueue<T, R> {
  readonly #jobs = new Map<string, MemoryJob<T, R>>();
  readonly #byKey = new Map<string, string>();
  readonly #pending: string[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  #queue: TaskQueue | undefined;
  #handler: JobHandler<T, R> | undefined;
  #closed = false;

  async add(payload: T, options: JobOptions = {}): Promise<string> {
    if (this.#closed) throw new TaskCancelledError('the job queue is closed');
    const key = options.idempotencyKey;
    const existing = key === undefined ? undefined : this.#byKey.get(key);
    if (existing !== undefined) return existing;
    const job: MemoryJob<T, R> = {
      id: randomUUID(),
      payload,
      state: 'waiting',
      attemptsMade: 0,
      attempts: check.integer('attempts', options.attempts ?? 3),
      backoffMs: check.nonNegative('backoffMs', options.backoffMs ?? 100),
      priority: priorityOf(options.priority),
      waiters: [],
    };
    this.#jobs.set(job.id, job);
    if (key !== undefined) this.#byKey.set(key, job.id);
    this.#enqueue(job);
    return job.id;
  }

  process(handler: JobHandler<T, R>, options: { concurrency?: number } = {}): void {
    if (this.#handler)
      throw new InvalidProcessorOptionError(
        'handler',
        'process() was already called on this queue',
      );
    this.#handler = handler;
    this.#queue = new TaskQueue({
      concurrency: options.concurrency ?? 1,
      maxSize: Number.MAX_SAFE_INTEGER,
      agingMs: 0,
    });
    // The queue starts the first job as soon as it is added, so hand the backlog
    // over in priority order (stable, so FIFO within a priority).
    const backlog = this.#pending
      .splice(0)
      .map((id) => this.#jobs.get(id))
      .filter((job): job is MemoryJob<T, R> => job !== undefined)
      .sort((a, b) => b.priority - a.priority);
    for (const job of backlog) this.#enqueue(job);
  }

  waitFor(id: string, timeoutMs?: number): Promise<R> {
    const job = this.#jobs.get(id);
    if (!job) return Promise.reject(new InvalidProcessorOptionError('id', `no job ${id}`));
    if (job.state === 'completed') return Promise.resolve(job.result as R);
    if (job.state === 'failed')
      return Promise.reject(new JobFailedError(id, job.attemptsMade, job.error ?? ''));
    return new Promise<R>((resolve, reject) => {
      const waiter = { resolve, reject };
      job.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        const timer = setTimeout(() => {
          job.waiters.splice(job.waiters.indexOf(waiter), 1);
          reject(new TaskCancelledError(`job ${id} did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
        const settle =
          <V>(fn: (v: V) => void) =>
          (v: V) => {
            clearTimeout(timer);
            fn(v);
          };
        waiter.resolve = settle(resolve);
        waiter.reject = settle(reject);
      }
    });
  }

  /** The job with `id` as it stands, or undefined. */
  async get(id: string): Promise<JobRecord<T, R> | undefined> {
    const job = this.#jobs.get(id);
    if (!job) return undefined;
    return {
      id: job.id,
      payload: job.payload,
      state: job.state,
      attemptsMade: job.attemptsMade,
      ...(job.state === 'completed' ? { result: job.result as R } : {}),
      ...(job.error === undefined ? {} : { error: job.error }),
    };
  }

  /** How many jobs are in each state. */
  async counts(): Promise<Record<JobState, number>> {
    const counts: Record<JobState, number> = {
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    };
    for (const job of this.#jobs.values()) counts[job.state] += 1;
    return counts;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#queue) {
      this.#queue.close();
      await this.#queue.onIdle();
    }
  }

  #enqueue(job: MemoryJob<T, R>): void {
    const queue = this.#queue;
    const handler = this.#handler;
    if (!queue || !handler) {
      this.#pending.push(job.id);
      return;
    }
    job.state = 'waiting';
    queue
      .add(() => this.#attempt(job, handler), { priority: job.priority })
      .catch((error: unknown) => {
        // Only a closed queue refuses; the job stays waiting, as a restart would find it.
        if (!TaskCancelledError.isInstance(error)) throw error;
      });
  }

  async #attempt(job: MemoryJob<T, R>, handler: JobHandler<T, R>): Promise<void> {
    job.state = 'active';
    job.attemptsMade += 1;
    try {
      job.result = await handler(job.payload, { id: job.id, attempt: job.attemptsMade });
      job.state = 'completed';
      delete job.error;
      for (const waiter of job.waiters.splice(0)) waiter.resolve(job.result);
    } catch (error) {
      job.error = describeCause(error);
      if (job.attemptsMade >= job.attempts || this.#closed) {
        job.state = 'failed';
        const failure = new JobFailedError(job.id, job.attemptsMade, job.error);
        for (const waiter of job.waiters.splice(0)) waiter.reject(failure);
        return;
      }
      job.state = 'delayed';
      const timer = setTimeout(
        () => {
          this.#timers.delete(timer);
          this.#enqueue(job);
        },
        job.backoffMs * 2 ** (job.attemptsMade - 1),
      );
      this.#timers.add(timer);
    }
  }
}

/** Clamps a priority to the range both backends support. */
export function priorityOf(priority = 0): number {
  if (!Number.isFinite(priority))
    throw new InvalidProcessorOptionError('priority', `must be finite, got ${priority}`);
  return Math.max(-1000, Math.min(1000, Math.round(priority)));
}
