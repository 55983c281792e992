import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import { gaugeIn } from './metric-family.js';

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** What this process is (`mt-miner`, `mt-validator`, ...): the `service` label of `mt_build_info`. */
  service: string;
  /** The program's version: the `version` label of `mt_build_info`. */
  version: string;
  /**
   * The process's own metrics (CPU, memory, event-loop lag, GC, handles), as
   * prom-client collects them. Default true; turn off for a second registry
   * in a process that already exposes them.
   */
  defaultMetrics?: boolean;
}

/**
 * The one Prometheus registry of a process: its default metrics (those that
 * pass `promtool check metrics`) and
 * `mt_build_info{service,version,node}`. Pass it to everything that records
 * metrics in the process (the miner server through `WireMetrics`, each
 * subnet, the validator node, the chain client) and serve it on `/metrics`.
 *
 * @example
 * ```ts
 * const registry = createMetricsRegistry({ service: 'mt-miner', version: '0.1.0' });
 * const metrics = new SubnetMetrics(registry); // @mt/subnets: every subnet on this one registry
 * await startMinerNode({ hotkey, subnets: [{ miner: withResilience(miner, { metrics }) }], registry });
 * ```
 */
export function createMetricsRegistry(options: MetricsRegistryOptions): Registry {
  const registry = new Registry();
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry });
    // Gauges named like counters fail Prometheus's lint; each is the sum of
    // the same family without the suffix (by `type`), which stays.
    for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  }
  gaugeIn(registry, {
    name: 'mt_build_info',
    help: 'Always 1; the labels say which program, version and Node.js this process runs',
    labelNames: ['service', 'version', 'node'],
  }).set({ service: options.service, version: options.version, node: process.versions.node }, 1);
  return registry;
}

/** The content type of the Prometheus text format that {@link metricsText} returns. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The exposition of several registries as one page: each registry read once
 * (the same registry passed twice is read once), and families of one name
 * from different registries joined into one, so that every name has one HELP
 * and one TYPE line, as Prometheus requires. Two subnets that each kept a
 * registry of their own both define `mt_subnet_solutions_total`; their series
 * (told apart by the `subnet` label) land in one family. Series with the
 * very same labels are added up, as prom-client's cluster aggregation does.
 */
export async function metricsText(registries: Iterable<Registry>): Promise<string> {
  const unique = [...new Set(registries)];
  if (unique.length === 1) return (unique[0] as Registry).metrics();
  const snapshots = await Promise.all(unique.map((registry) => registry.getMetricsAsJSON()));
  return AggregatorRegistry.aggregate(snapshots).metrics();
}
