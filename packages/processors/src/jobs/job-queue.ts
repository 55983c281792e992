/** Options of one job. */
export interface JobOptions {
  /**
   * A job added twice with the same key is one job: the second `add` returns
   * the first job's id and enqueues nothing. Use a hash of the task identity.
   */
  idempotencyKey?: string;
  /** Attempts before the job is moved to the dead-letter (`failed`) state. Default 3. */
  attempts?: number;
  /** Delay before the first retry, in ms; doubles on each further retry. Default 100. */
  backoffMs?: number;
  /** Higher runs sooner, in [-1000, 1000]. Default 0. */
  priority?: number;
}

/** Where a job is in its life. `failed` is the dead-letter state: no attempts left. */
export type JobState = 'waiting' | 'active' | 'delayed' | 'completed' | 'failed';

/** A job as a queue reports it. */
export interface JobRecord<T, R> {
  id: string;
  payload: T;
  state: JobState;
  /** Attempts started so far. */
  attemptsMade: number;
  result?: R;
  /** The last attempt's error, for a job that failed. */
  error?: string;
}

/** Handles one attempt of one job; throwing fails the attempt. */
export type JobHandler<T, R> = (payload: T, job: { id: string; attempt: number }) => Promise<R>;

/**
 * A queue of jobs with at-least-once delivery: a job is attempted until it
 * succeeds or runs out of attempts (then it is dead-lettered as `failed`),
 * with exponential backoff between attempts. Because delivery is
 * at-least-once, a handler may see a job again after a crash: make handlers
 * idempotent, or key their side effects by job id.
 *
 * Two backends implement it and pass one conformance suite:
 * {@link MemoryJobQueue} (one process, the default) and {@link BullJobQueue}
 * (Redis, to spread work over machines).
 */
export interface JobQueue<T, R> {
  /** Adds a job and returns its id (the existing one, for a repeated idempotency key). */
  add(payload: T, options?: JobOptions): Promise<string>;
  /** Starts handling jobs, `concurrency` at a time (default 1). Call once. */
  process(handler: JobHandler<T, R>, options?: { concurrency?: number }): void;
  /** Resolves with the job's result, or rejects with `JobFailedError` once it is dead-lettered. */
  waitFor(id: string, timeoutMs?: number): Promise<R>;
  /** The job with `id` as it stands (payload, state, attempts, result or last error), or undefined. */
  get(id: string): Promise<JobRecord<T, R> | undefined>;
  /** How many jobs are in each state. */
  counts(): Promise<Record<JobState, number>>;
  /** Stops taking jobs, lets active ones finish, and releases resources. */
  close(): Promise<void>;
}
