import { type Solution, SubnetProtocol, type SubnetProtocolOptions, type Task } from '@mt/protocol';
import { LRUCache } from 'lru-cache';
import pRetry from 'p-retry';
import type { Registry } from 'prom-client';
import { InvalidSubnetInputError, TransientSubnetError } from '../errors.js';
import { SubnetMetrics } from './subnet-metrics.js';
import { taskIdentity } from './task-identity.js';

/** Options of {@link BaseSubnet}. */
export interface BaseSubnetOptions extends SubnetProtocolOptions {
  /** Result cache; `false` turns it off. Default: 1,000 entries for 10 minutes. */
  cache?: false | { maxEntries?: number; ttlMs?: number };
  /** Retries of transient failures with exponential backoff and full jitter. Default 2 retries, 100 ms → 2 s. */
  retry?: { retries?: number; minTimeoutMs?: number; maxTimeoutMs?: number };
  /** Registry for the Prometheus metrics (default: one per subnet). */
  registry?: Registry;
}

function positiveInteger(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidSubnetInputError(field, `must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}

/**
 * A {@link SubnetProtocol} with what every real subnet needs around its model:
 *
 * - a result cache keyed on the task's identity (subnet, version and payload;
 *   see {@link taskIdentity}), LRU with a TTL. A hit returns the cached
 *   answer, which `SubnetProtocol` stamps with the id and miner of the task
 *   that asked, never those of the task that filled the cache;
 * - retries with exponential backoff and jitter, for retryable errors only
 *   ({@link TransientSubnetError}, or what {@link isRetryable} accepts);
 *   invalid input is never retried, and the task's deadline stops retrying;
 * - the task's `AbortSignal` (timeout or caller abort) passed down to {@link solve};
 * - Prometheus metrics (prom-client) in {@link metrics}`.registry`.
 *
 * Subclasses implement {@link solve} instead of `solveTaskImpl`.
 */
export abstract class BaseSubnet extends SubnetProtocol {
  /** Prometheus metrics; expose `metrics.registry.metrics()` on a miner's `/metrics` route. */
  readonly metrics: SubnetMetrics;
  /** The subnet's name and version, which key the cache and label the metrics. */
  readonly identity: { name: string; version: string };
  readonly #cache: LRUCache<string, Solution> | undefined;
  readonly #retries: number;
  readonly #minTimeout: number;
  readonly #maxTimeout: number;

  constructor(options: BaseSubnetOptions) {
    super(options);
    this.identity = { name: options.name, version: options.version };
    this.metrics = new SubnetMetrics(options.registry);
    const cache = options.cache ?? {};
    this.#cache =
      cache === false
        ? undefined
        : new LRUCache<string, Solution>({
            max: positiveInteger('cache.maxEntries', cache.maxEntries ?? 1_000),
            ttl: positiveInteger('cache.ttlMs', cache.ttlMs ?? 600_000),
          });
    this.#retries = positiveInteger('retry.retries', options.retry?.retries ?? 2, 0);
    this.#minTimeout = positiveInteger('retry.minTimeoutMs', options.retry?.minTimeoutMs ?? 100);
    this.#maxTimeout = positiveInteger('retry.maxTimeoutMs', options.retry?.maxTimeoutMs ?? 2_000);
  }

  /** Computes the answer to `task`; stop when `signal` aborts. */
  protected abstract solve(task: Task, signal: AbortSignal): Promise<Solution>;

  /** The cache key of `task`, or `undefined` to never cache it (e.g. sampled output). */
  protected cacheKey(task: Task): string | undefined {
    return taskIdentity(this.identity, task.taskData);
  }

  /** Whether `error` is worth another try. Override to accept more; invalid input never is. */
  protected isRetryable(error: unknown): boolean {
    return TransientSubnetError.isInstance(error);
  }

  /** Drops every cached answer. */
  clearCache(): void {
    this.#cache?.clear();
    this.metrics.cacheEntries.set({ subnet: this.identity.name }, 0);
  }

  protected override async solveTaskImpl(task: Task, signal: AbortSignal): Promise<Solution> {
    const labels = { subnet: this.identity.name };
    const key = this.#cache ? this.cacheKey(task) : undefined;
    const cached = key === undefined ? undefined : this.#cache?.get(key);
    if (cached) {
      this.metrics.solved.inc({ ...labels, outcome: 'cached' });
      return structuredClone(cached);
    }
    const stopTimer = this.metrics.solveSeconds.startTimer(labels);
    try {
      const solution = await pRetry(() => this.solve(task, signal), {
        retries: this.#retries,
        minTimeout: this.#minTimeout,
        maxTimeout: this.#maxTimeout,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) =>
          !signal.aborted && !InvalidSubnetInputError.isInstance(error) && this.isRetryable(error),
        onFailedAttempt: ({ retriesLeft, error }) => {
          if (retriesLeft > 0 && this.isRetryable(error)) this.metrics.retries.inc(labels);
        },
      });
      stopTimer();
      this.metrics.solved.inc({ ...labels, outcome: 'computed' });
      if (key !== undefined && this.#cache) {
        this.#cache.set(key, structuredClone(solution));
        this.metrics.cacheEntries.set(labels, this.#cache.size);
      }
      return solution;
    } catch (error) {
      this.metrics.solved.inc({ ...labels, outcome: 'failed' });
      throw error;
    }
  }
}
