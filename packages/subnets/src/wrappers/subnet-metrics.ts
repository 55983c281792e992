import { counterIn, gaugeIn, histogramIn, LATENCY_BUCKETS_SECONDS } from '@mt/telemetry';
import { type Counter, type Gauge, type Histogram, Registry } from 'prom-client';

/** Buckets (seconds) for proving and verifying: 10 ms to 60 s. */
const PROOF_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * The Prometheus metrics of a subnet, labelled by `subnet`, in the registry
 * it is given (the process's, from `createMetricsRegistry` in
 * `@mt/telemetry`) or one of its own. Every subnet on one registry shares the
 * same families, so a miner serving several subnets exposes each name once.
 */
export class SubnetMetrics {
  readonly registry: Registry;
  readonly solved: Counter<'subnet' | 'outcome'>;
  readonly retries: Counter<'subnet'>;
  readonly solveSeconds: Histogram<'subnet'>;
  readonly cacheEntries: Gauge<'subnet'>;
  /** Time to generate a proof (miners of proof subnets). */
  readonly proofGenerationSeconds: Histogram<'subnet'>;
  readonly proofGenerationFailures: Counter<'subnet'>;
  /** Time to verify a proof (validators of proof subnets). */
  readonly proofVerificationSeconds: Histogram<'subnet'>;
  /** Verdicts: `valid`, or `invalid` with a stable `reason` code (`wrong_input`, `missing`, ...). */
  readonly proofVerifications: Counter<'subnet' | 'verdict' | 'reason'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    this.solved = counterIn(registry, {
      name: 'mt_subnet_solutions_total',
      help: 'Tasks solved, by subnet and outcome: computed, cached or failed',
      labelNames: ['subnet', 'outcome'],
    });
    this.retries = counterIn(registry, {
      name: 'mt_subnet_retries_total',
      help: 'Retries after transient failures, by subnet',
      labelNames: ['subnet'],
    });
    this.solveSeconds = histogramIn(registry, {
      name: 'mt_subnet_solve_seconds',
      help: 'Time to compute a solution (cache misses only), by subnet',
      labelNames: ['subnet'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
    });
    this.cacheEntries = gaugeIn(registry, {
      name: 'mt_subnet_cache_entries',
      help: 'Solutions held in the result cache, by subnet',
      labelNames: ['subnet'],
    });
    this.proofGenerationSeconds = histogramIn(registry, {
      name: 'mt_subnet_proof_generation_seconds',
      help: 'Time to generate a zk proof of an answer, by subnet',
      labelNames: ['subnet'],
      buckets: PROOF_BUCKETS_SECONDS,
    });
    this.proofGenerationFailures = counterIn(registry, {
      name: 'mt_subnet_proof_generation_failures_total',
      help: 'Proofs that could not be generated (aborted or failed), by subnet',
      labelNames: ['subnet'],
    });
    this.proofVerificationSeconds = histogramIn(registry, {
      name: 'mt_subnet_proof_verification_seconds',
      help: 'Time to verify a zk proof, by subnet',
      labelNames: ['subnet'],
      buckets: PROOF_BUCKETS_SECONDS,
    });
    this.proofVerifications = counterIn(registry, {
      name: 'mt_subnet_proof_verifications_total',
      help: 'Proofs verified, by subnet, verdict and rejection reason',
      labelNames: ['subnet', 'verdict', 'reason'],
    });
  }
}
