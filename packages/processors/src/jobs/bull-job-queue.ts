import { Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { InvalidProcessorOptionError, JobFailedError } from '../errors.js';
import { requireInteger, requireNonNegative } from '../options.js';
import type { JobHandler, JobOptions, JobQueue, JobRecord, JobState } from './job-queue.js';
import { priorityOf } from './memory-job-queue.js';

/** Options of {@link BullJobQueue}. */
export interface BullJobQueueOptions {
  /** Queue name; every process using the same name and Redis shares the jobs. */
  name: string;
  /** e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** Key prefix in Redis. Default `mt`. */
  prefix?: string;
}

const JOB_NAME = 'job';

/**
 * The distributed {@link JobQueue}: BullMQ on Redis, for spreading a miner's
 * work over machines. Payloads and results must be JSON. Jobs survive
 * restarts; a worker that dies mid-job has its job retried after the lock
 * expires (at-least-once).
 */
export class BullJobQueue<T, R> implements JobQueue<T, R> {
  readonly #name: string;
  readonly #prefix: string;
  readonly #redisUrl: string;
  readonly #connections: Redis[] = [];
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  #worker: Worker | undefined;

  constructor(options: BullJobQueueOptions) {
    this.#name = options.name;
    this.#prefix = options.prefix ?? 'mt';
    this.#redisUrl = options.redisUrl;
    this.#queue = new Queue(this.#name, { connection: this.#connect(), prefix: this.#prefix });
    this.#events = new QueueEvents(this.#name, {
      connection: this.#connect(),
      prefix: this.#prefix,
    });
  }

  async add(payload: T, options: JobOptions = {}): Promise<string> {
    const attempts = requireInteger('attempts', options.attempts ?? 3);
    const backoffMs = requireNonNegative('backoffMs', options.backoffMs ?? 100);
    const job = await this.#queue.add(JOB_NAME, payload, {
      ...(options.idempotencyKey === undefined ? {} : { jobId: jobIdFor(options.idempotencyKey) }),
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      // BullMQ serves lower numbers first; ours run higher first. Every job gets a
      // priority so all of them are ordered the same way.
      priority: 1001 - priorityOf(options.priority),
      removeOnComplete: false,
      removeOnFail: false,
    });
    if (job.id === undefined)
      throw new InvalidProcessorOptionError('payload', 'Redis did not return a job id');
    return job.id;
  }

  process(handler: JobHandler<T, R>, options: { concurrency?: number } = {}): void {
    if (this.#worker)
      throw new InvalidProcessorOptionError(
        'handler',
        'process() was already called on this queue',
      );
    this.#worker = new Worker(
      this.#name,
      async (job: Job) =>
        handler(job.data as T, { id: String(job.id), attempt: job.attemptsMade + 1 }),
      {
        connection: this.#connect(),
        prefix: this.#prefix,
        concurrency: requireInteger('concurrency', options.concurrency ?? 1),
      },
    );
  }

  async waitFor(id: string, timeoutMs?: number): Promise<R> {
    await this.#events.waitUntilReady();
    const job = await Job.fromId(this.#queue, id);
    if (!job) throw new InvalidProcessorOptionError('id', `no job ${id}`);
    try {
      return (await job.waitUntilFinished(this.#events, timeoutMs)) as R;
    } catch (error) {
      const latest = await Job.fromId(this.#queue, id);
      if (latest && (await latest.getState()) === 'failed') {
        throw new JobFailedError(id, latest.attemptsMade, latest.failedReason ?? String(error));
      }
      throw error;
    }
  }

  async get(id: string): Promise<JobRecord<T, R> | undefined> {
    const job = await Job.fromId(this.#queue, id);
    if (!job) return undefined;
    const state = stateOf(await job.getState());
    return {
      id,
      payload: job.data as T,
      state,
      attemptsMade: job.attemptsMade,
      ...(state === 'completed' ? { result: job.returnvalue as R } : {}),
      ...(job.failedReason ? { error: job.failedReason } : {}),
    };
  }

  async counts(): Promise<Record<JobState, number>> {
    const raw = await this.#queue.getJobCounts(
      'waiting',
      'prioritized',
      'active',
      'delayed',
      'completed',
      'failed',
    );
    return {
      waiting: (raw.waiting ?? 0) + (raw.prioritized ?? 0),
      active: raw.active ?? 0,
      delayed: raw.delayed ?? 0,
      completed: raw.completed ?? 0,
      failed: raw.failed ?? 0,
    };
  }

  /** Deletes every job of this queue from Redis (for tests and resets). */
  async obliterate(): Promise<void> {
    await this.#queue.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.#events.close();
    await this.#queue.close();
    await Promise.all(
      this.#connections.map((connection) => connection.quit().catch(() => undefined)),
    );
  }

  #connect(): Redis {
    // BullMQ's blocking reads need maxRetriesPerRequest: null.
    const connection = new Redis(this.#redisUrl, { maxRetriesPerRequest: null });
    this.#connections.push(connection);
    return connection;
  }
}

/** BullMQ refuses custom ids that look like integers or hold ':'; keys are mapped to safe ids. */
function jobIdFor(key: string): string {
  return `key-${Buffer.from(key).toString('base64url')}`;
}

function stateOf(state: string): JobState {
  switch (state) {
    case 'active':
    case 'delayed':
    case 'completed':
    case 'failed':
      return state;
    default:
      return 'waiting';
  }
}
