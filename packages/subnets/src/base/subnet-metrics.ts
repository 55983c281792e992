import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one subnet, in a registry of its own (or one the
 * miner passes in to expose several subnets on one `/metrics` route). Labels
 * carry the subnet's name, so registries can be merged.
 */
export class SubnetMetrics {
  readonly registry: Registry;
  readonly solved: Counter<'subnet' | 'outcome'>;
  readonly retries: Counter<'subnet'>;
  readonly solveSeconds: Histogram<'subnet'>;
  readonly cacheEntries: Gauge<'subnet'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.solved = new Counter({
      name: 'mt_subnet_solutions_total',
      help: 'Tasks solved, by outcome: computed, cached or failed',
      labelNames: ['subnet', 'outcome'],
      registers,
    });
    this.retries = new Counter({
      name: 'mt_subnet_retries_total',
      help: 'Retries after transient failures',
      labelNames: ['subnet'],
      registers,
    });
    this.solveSeconds = new Histogram({
      name: 'mt_subnet_solve_seconds',
      help: 'Time to compute a solution (cache misses only)',
      labelNames: ['subnet'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.cacheEntries = new Gauge({
      name: 'mt_subnet_cache_entries',
      help: 'Solutions held in the result cache',
      labelNames: ['subnet'],
      registers,
    });
  }
}
