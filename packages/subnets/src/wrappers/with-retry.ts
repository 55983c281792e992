import type { SubnetMiner } from '@mt/protocol';
import pRetry from 'p-retry';
import { InvalidSubnetInputError, TransientSubnetError } from '../errors.js';
import { check } from '../option-checks.js';
import type { SubnetMetrics } from './subnet-metrics.js';
import { identityOf } from './with-cache.js';

/** Options of {@link withRetry}. */
export interface RetryOptions {
  /** Default 2. */
  retries?: number;
  /** Default 100 ms. */
  minTimeoutMs?: number;
  /** Default 2 s. */
  maxTimeoutMs?: number;
  /** Whether an error is worth another try. Default: `TransientSubnetError` only. */
  isRetryable?: (error: unknown) => boolean;
  /** Counts retries as `mt_subnet_retries_total`. */
  metrics?: SubnetMetrics;
}

/**
 * A miner that retries retryable failures with exponential backoff and full
 * jitter (p-retry). Invalid input is never retried, and the task's deadline
 * (its signal) stops the retrying.
 */
export function withRetry(miner: SubnetMiner, options: RetryOptions = {}): SubnetMiner {
  const retries = check.integer('retry.retries', options.retries ?? 2, 0);
  const minTimeout = check.integer('retry.minTimeoutMs', options.minTimeoutMs ?? 100);
  const maxTimeout = check.integer('retry.maxTimeoutMs', options.maxTimeoutMs ?? 2_000);
  const isRetryable = options.isRetryable ?? TransientSubnetError.isInstance;
  const labels = { subnet: miner.name };
  return {
    ...identityOf(miner),
    solveTask: (task, context) =>
      pRetry(() => miner.solveTask(task, context), {
        retries,
        minTimeout,
        maxTimeout,
        factor: 2,
        randomize: true,
        signal: context.signal,
        shouldRetry: ({ error }) =>
          !context.signal.aborted &&
          !InvalidSubnetInputError.isInstance(error) &&
          isRetryable(error),
        onFailedAttempt: ({ retriesLeft, error }) => {
          if (retriesLeft > 0 && isRetryable(error)) options.metrics?.retries.inc(labels);
        },
      }),
  };
}
