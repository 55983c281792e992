import {
  Counter,
  type CounterConfiguration,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  type Registry,
} from 'prom-client';
import { MetricConflictError } from '../errors.js';

type Family = Counter<string> | Gauge<string> | Histogram<string>;
type Kind = 'counter' | 'gauge' | 'histogram';

/**
 * The metric of this name in `registry`, created on first use. Components
 * that share one registry (two subnets on one miner, say) ask for the same
 * family and write their own label values into it, so the registry exposes
 * one HELP and one TYPE line per name, as Prometheus requires. A second ask
 * with another type, help or label set throws {@link MetricConflictError}
 * instead of exposing two families of one name.
 */
function family<T extends Family>(
  registry: Registry,
  kind: Kind,
  config: { name: string; help: string; labelNames?: readonly string[] },
  create: () => T,
): T {
  const existing = registry.getSingleMetric(config.name) as
    | (Metric & { help?: string; labelNames?: string[] })
    | undefined;
  if (existing === undefined) return create();
  const existingKind =
    existing instanceof Counter
      ? 'counter'
      : existing instanceof Gauge
        ? 'gauge'
        : existing instanceof Histogram
          ? 'histogram'
          : 'another type';
  if (existingKind !== kind) throw new MetricConflictError(config.name, `as a ${existingKind}`);
  if (existing.help !== config.help)
    throw new MetricConflictError(config.name, `with the help '${existing.help}'`);
  const want = [...(config.labelNames ?? [])].sort().join(',');
  const have = [...(existing.labelNames ?? [])].sort().join(',');
  if (want !== have)
    throw new MetricConflictError(config.name, `with the labels [${have}], not [${want}]`);
  return existing as unknown as T;
}

/** The counter `config.name` in `registry`, shared by everyone who asks with the same definition. */
export function counterIn<L extends string>(
  registry: Registry,
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  return family(
    registry,
    'counter',
    config,
    () => new Counter<L>({ ...config, registers: [registry] }) as unknown as Counter<string>,
  ) as unknown as Counter<L>;
}

/** The gauge `config.name` in `registry`, shared by everyone who asks with the same definition. */
export function gaugeIn<L extends string>(
  registry: Registry,
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  return family(
    registry,
    'gauge',
    config,
    () => new Gauge<L>({ ...config, registers: [registry] }) as unknown as Gauge<string>,
  ) as unknown as Gauge<L>;
}

/** The histogram `config.name` in `registry`, shared by everyone who asks with the same definition. */
export function histogramIn<L extends string>(
  registry: Registry,
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  return family(
    registry,
    'histogram',
    config,
    () => new Histogram<L>({ ...config, registers: [registry] }) as unknown as Histogram<string>,
  ) as unknown as Histogram<L>;
}

/** Buckets (seconds) for request and solve latencies: 5 ms to 60 s. */
export const LATENCY_BUCKETS_SECONDS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;
