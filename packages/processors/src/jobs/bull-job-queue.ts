import { loadPeer } from '@mt/protocol';
import type { Job, Queue, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { InvalidProcessorOptionError, JobFailedError } from '../errors.js';
import { check } from '../options.js';
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
/** How often a waiter checks a job's state, besides listening for its event. */
const STATE_POLL_MS = 1_000;

/** The two optional peers, loaded on the first {@link BullJobQueue.open}. */
interface RedisPeers {
  bullmq: typeof import('bullmq');
  Redis: typeof import('ioredis').Redis;
}

let peers: Promise<RedisPeers> | undefined;

// bullmq and ioredis are optional peers: a user of the in-memory queue never
// installs or loads them.
function loadRedisPeers(): Promise<RedisPeers> {
  peers ??= Promise.all([
    loadPeer({
      name: 'bullmq',
      range: '^5.0.0',
      feature: 'BullJobQueue (jobs on Redis)',
      load: () => import('bullmq'),
    }),
    loadPeer({
      name: 'ioredis',
      range: '^5.0.0',
      feature: 'BullJobQueue (jobs on Redis)',
      load: () => import('ioredis'),
    }),
  ]).then(([bullmq, ioredis]) => ({ bullmq, Redis: ioredis.Redis }));
  // A failed load is not cached, so installing the peer and retrying works.
  peers.catch(() => {
    peers = undefined;
  });
  return peers;
}

/**
 * The distributed {@link JobQueue}: BullMQ on Redis, for spreading a miner's
 * work over machines. Payloads and results must be JSON. Jobs survive
 * restarts; a worker that dies mid-job has its job retried after the lock
 * expires (at-least-once).
 *
 * Needs the optional peers `bullmq` and `ioredis`; {@link BullJobQueue.open}
 * throws `MissingPeerError` (from `@mt/protocol`) saying what to install when
 * they are not.
 *
 * @example
 * ```ts
 * const queue = await BullJobQueue.open<Input, Output>({ name: 'miner', redisUrl: 'redis://127.0.0.1:6379' });
 * ```
 */
export class BullJobQueue<T, R> implements JobQueue<T, R> {
  readonly #name: string;
  readonly #prefix: string;
  readonly #redisUrl: string;
  readonly #peers: RedisPeers;
  readonly #connections: Redis[] = [];
  readonly #queue: Queue;
  readonly #events: QueueEvents;
  #worker: Worker | undefined;

  /** Loads BullMQ and ioredis, then opens the queue's connections to Redis. */
  static async open<T, R>(options: BullJobQueueOptions): Promise<BullJobQueue<T, R>> {
    return new BullJobQueue<T, R>(options, await loadRedisPeers());
  }

  private constructor(options: BullJobQueueOptions, loaded: RedisPeers) {
    this.#name = options.name;
    this.#prefix = options.prefix ?? 'mt';
    this.#redisUrl = options.redisUrl;
    this.#peers = loaded;
    this.#queue = new loaded.bullmq.Queue(this.#name, {
      connection: this.#connect(),
      prefix: this.#prefix,
    });
    this.#events = new loaded.bullmq.QueueEvents(this.#name, {
      connection: this.#connect(),
      prefix: this.#prefix,
    });
  }

  async add(payload: T, options: JobOptions = {}): Promise<string> {
    const attempts = check.integer('attempts', options.attempts ?? 3);
    const backoffMs = check.nonNegative('backoffMs', options.backoffMs ?? 100);
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
    this.#worker = new this.#peers.bullmq.Worker(
      this.#name,
      async (job: Job) =>
        handler(job.data as T, { id: String(job.id), attempt: job.attemptsMade + 1 }),
      {
        connection: this.#connect(),
        prefix: this.#prefix,
        concurrency: check.integer('concurrency', options.concurrency ?? 1),
      },
    );
  }

  async waitFor(id: string, timeoutMs?: number): Promise<R> {
    await this.#events.waitUntilReady();
    const job = await this.#peers.bullmq.Job.fromId(this.#queue, id);
    if (!job) throw new InvalidProcessorOptionError('id', `no job ${id}`);
    // BullMQ's QueueEvents reads Redis's event stream from "now" at each read
    // that follows an empty one, and its first read can start well after
    // `waitUntilReady` on a loaded machine: a job that finishes in such a gap
    // is never announced. A slow poll of the job's state catches it.
    const announced = job.waitUntilFinished(this.#events, timeoutMs);
    const stop = new AbortController();
    try {
      return (await Promise.race([announced, this.#pollFinished(id, stop.signal)])) as R;
    } catch (error) {
      if (JobFailedError.isInstance(error)) throw error;
      const latest = await this.#peers.bullmq.Job.fromId(this.#queue, id);
      if (latest && (await latest.getState()) === 'failed') {
        throw new JobFailedError(id, latest.attemptsMade, latest.failedReason ?? String(error));
      }
      throw error;
    } finally {
      stop.abort();
      announced.catch(() => undefined);
    }
  }

  /** Resolves with the job's result once its state says it finished (checked every second), until `signal`. */
  async #pollFinished(id: string, signal: AbortSignal): Promise<unknown> {
    while (!signal.aborted) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, STATE_POLL_MS);
        signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
        signal.addEventListener('abort', resolve, { once: true });
      });
      if (signal.aborted) break;
      const job = await this.#peers.bullmq.Job.fromId(this.#queue, id);
      const state = await job?.getState();
      if (job && state === 'completed') return job.returnvalue;
      if (job && state === 'failed')
        throw new JobFailedError(id, job.attemptsMade, job.failedReason ?? 'failed');
    }
    // Stopped: the race is over, and this side never settles.
    return new Promise<never>(() => undefined);
  }

  /** The job with `id` as it stands, or undefined. */
  async get(id: string): Promise<JobRecord<T, R> | undefined> {
    const job = await this.#peers.bullmq.Job.fromId(this.#queue, id);
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

  /** How many jobs are in each state. */
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
    const connection = new this.#peers.Redis(this.#redisUrl, { maxRetriesPerRequest: null });
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
