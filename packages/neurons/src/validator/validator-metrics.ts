import type { Counter, Gauge, Histogram, Registry } from '@mt/telemetry';
import { counterIn, gaugeIn, histogramIn, LATENCY_BUCKETS_SECONDS } from '@mt/telemetry';

/**
 * A validator's Prometheus metrics, labelled by `netuid` (and `uid` for
 * per-miner values: bounded by the subnet's size, not by peers):
 *
 * - `mt_validator_rounds_total`, `mt_validator_round_duration_seconds`;
 * - `mt_validator_queries_total{status}` (ok, timeout, refused, bad_signature, ...)
 *   and `mt_validator_query_latency_seconds`, as the validator measured them;
 * - `mt_validator_miner_score` (this round) and `mt_validator_miner_average_score`;
 * - `mt_validator_weight` (the weight last set or revealed, as a share of
 *   the largest; committed weights stay hidden until revealed) and `mt_validator_weight_updates_total{kind}`;
 * - `mt_validator_failures_total{stage}`: rounds and weight updates that
 *   failed (the loop goes on), and weight updates the chain asked to wait.
 */
export class ValidatorMetrics {
  readonly rounds: Counter<'netuid'>;
  readonly roundSeconds: Histogram<'netuid'>;
  readonly queries: Counter<'netuid' | 'status'>;
  readonly queryLatencySeconds: Histogram<'netuid'>;
  readonly minerScore: Gauge<'netuid' | 'uid'>;
  readonly minerAverage: Gauge<'netuid' | 'uid'>;
  readonly weight: Gauge<'netuid' | 'uid'>;
  readonly weightUpdates: Counter<'netuid' | 'kind'>;
  readonly failures: Counter<'netuid' | 'stage'>;

  constructor(registry: Registry) {
    this.rounds = counterIn(registry, {
      name: 'mt_validator_rounds_total',
      help: 'Rounds the validator completed, by subnet',
      labelNames: ['netuid'],
    });
    this.roundSeconds = histogramIn(registry, {
      name: 'mt_validator_round_duration_seconds',
      help: 'Time to query and score every miner of a subnet once',
      labelNames: ['netuid'],
      buckets: [...LATENCY_BUCKETS_SECONDS, 120, 300],
    });
    this.queries = counterIn(registry, {
      name: 'mt_validator_queries_total',
      help: 'Queries to miners, by subnet and how they ended',
      labelNames: ['netuid', 'status'],
    });
    this.queryLatencySeconds = histogramIn(registry, {
      name: 'mt_validator_query_latency_seconds',
      help: 'Time from sending a task to a verified answer, measured by the validator',
      labelNames: ['netuid'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
    });
    this.minerScore = gaugeIn(registry, {
      name: 'mt_validator_miner_score',
      help: 'The score the validator gave a miner in its latest round, in [0, 1]',
      labelNames: ['netuid', 'uid'],
    });
    this.minerAverage = gaugeIn(registry, {
      name: 'mt_validator_miner_average_score',
      help: 'The moving average of a miner score kept by the validator, in [0, 1]',
      labelNames: ['netuid', 'uid'],
    });
    this.weight = gaugeIn(registry, {
      name: 'mt_validator_weight',
      help: 'The weight last set or revealed for a miner, as a share of the largest, in [0, 1]',
      labelNames: ['netuid', 'uid'],
    });
    this.weightUpdates = counterIn(registry, {
      name: 'mt_validator_weight_updates_total',
      help: 'Weight updates sent to the chain, by subnet and kind: set, commit or reveal',
      labelNames: ['netuid', 'kind'],
    });
    this.failures = counterIn(registry, {
      name: 'mt_validator_failures_total',
      help: 'Rounds and weight updates that failed, by subnet and stage: round, weights, or weights_wait (the chain asked to wait)',
      labelNames: ['netuid', 'stage'],
    });
  }
}
