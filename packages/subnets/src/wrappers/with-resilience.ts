import type { SubnetMiner } from '@mt/protocol';
import { SubnetMetrics } from './subnet-metrics.js';
import { type CacheOptions, withCache } from './with-cache.js';
import { withDeadline } from './with-deadline.js';
import { withMetrics } from './with-metrics.js';
import { type RetryOptions, withRetry } from './with-retry.js';

/** Options of {@link withResilience}. */
export interface ResilienceOptions {
  /** `false` turns the cache off. */
  cache?: false | Omit<CacheOptions, 'metrics'>;
  retry?: Omit<RetryOptions, 'metrics'>;
  /** Where the wrappers' metrics go (default: a registry of their own). */
  metrics?: SubnetMetrics;
}

/**
 * The wrappers a real miner wants, in their one right order: the cache
 * outermost (a hit is counted as `cached` and goes no further), then metrics
 * (`computed` or `failed`), then the deadline, then retries around the solver.
 *
 * @example
 * ```ts
 * const miner = withResilience(await TextGenerationMiner.create({ generator }), { metrics });
 * ```
 */
export function withResilience(miner: SubnetMiner, options: ResilienceOptions = {}): SubnetMiner {
  const metrics = options.metrics ?? new SubnetMetrics();
  const measured = withMetrics(
    withDeadline(withRetry(miner, { ...options.retry, metrics })),
    metrics,
  );
  return options.cache === false ? measured : withCache(measured, { ...options.cache, metrics });
}
