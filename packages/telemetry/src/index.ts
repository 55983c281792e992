/**
 * `@mt/telemetry`: what an operator watches. One Prometheus registry per
 * process ({@link createMetricsRegistry}: default metrics and build info),
 * metric families that components share without duplicate names
 * ({@link counterIn}, {@link gaugeIn}, {@link histogramIn}), the miner
 * server's wire metrics ({@link WireMetrics}), a `/metrics` server for
 * processes without an HTTP server of their own, and pino loggers that never
 * print secrets ({@link createLogger}).
 *
 * @packageDocumentation
 */

/** Re-exported from `@mt/protocol`, where every package's CLI reads its version too. */
export { packageVersion } from '@mt/protocol/node';
export type { Counter, Gauge, Histogram, Registry } from 'prom-client';
export {
  InvalidLogLevelError,
  MetricConflictError,
  TELEMETRY_ERROR_PREFIX,
  TelemetryError,
} from './errors.js';
export {
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  type LoggerOptions,
  type LogLevel,
  REDACTED_FIELDS,
  resolveLogLevel,
} from './logging/create-logger.js';
export {
  counterIn,
  gaugeIn,
  histogramIn,
  LATENCY_BUCKETS_SECONDS,
} from './metrics/metric-family.js';
export {
  createMetricsRegistry,
  type MetricsRegistryOptions,
  metricsText,
  PROMETHEUS_CONTENT_TYPE,
} from './metrics/metrics-registry.js';
export { type MetricsServer, startMetricsServer } from './metrics/metrics-server.js';
export { WireMetrics } from './metrics/wire-metrics.js';
