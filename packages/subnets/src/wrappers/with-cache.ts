import type { Solution, SubnetMiner } from '@mt/protocol';
import { LRUCache } from 'lru-cache';
import { check } from '../option-checks.js';
import type { SubnetMetrics } from './subnet-metrics.js';
import { taskIdentity } from './task-identity.js';

/** Options of {@link withCache}. */
export interface CacheOptions {
  /** Default 1,000. */
  maxEntries?: number;
  /** Default 10 minutes. */
  ttlMs?: number;
  /** Counts hits as `mt_subnet_solutions_total{outcome="cached"}` and the entries held. */
  metrics?: SubnetMetrics;
}

/**
 * A miner that answers a repeated task from an LRU cache with a TTL, keyed on
 * the task's identity (subnet, version, payload: see {@link taskIdentity}),
 * never on its id or miner, which the node stamps on every answer. Callers
 * get copies, so one cannot change what the next one gets. A miner that is
 * not `deterministic` is returned as it is.
 */
export function withCache(miner: SubnetMiner, options: CacheOptions = {}): SubnetMiner {
  if (miner.deterministic === false) return miner;
  const cache = new LRUCache<string, Solution>({
    max: check.integer('cache.maxEntries', options.maxEntries ?? 1_000),
    ttl: check.integer('cache.ttlMs', options.ttlMs ?? 600_000),
  });
  const labels = { subnet: miner.name };
  return {
    ...identityOf(miner),
    async solveTask(task, context) {
      const key = taskIdentity(miner, task.taskData);
      const cached = cache.get(key);
      if (cached) {
        options.metrics?.solved.inc({ ...labels, outcome: 'cached' });
        return structuredClone(cached);
      }
      const solution = await miner.solveTask(task, context);
      cache.set(key, structuredClone(solution));
      options.metrics?.cacheEntries.set(labels, cache.size);
      return solution;
    },
  };
}

/** The fields a wrapper passes through unchanged: identity, determinism and `close`. */
export function identityOf(miner: SubnetMiner): Omit<SubnetMiner, 'solveTask'> {
  return {
    name: miner.name,
    version: miner.version,
    ...(miner.deterministic === undefined ? {} : { deterministic: miner.deterministic }),
    ...(miner.close ? { close: () => miner.close?.() ?? Promise.resolve() } : {}),
  };
}
