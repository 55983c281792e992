import { errorFamily, isMtErrorWithCode } from '@mt/protocol';

/** The prefix every error code of `@mt/telemetry` starts with. */
export const TELEMETRY_ERROR_PREFIX = 'MT_TELEMETRY_';

const family = errorFamily(TELEMETRY_ERROR_PREFIX);

/** Base class of every error `@mt/telemetry` throws on purpose, recognised by its code prefix. */
export class TelemetryError extends family.Error {}

/**
 * Two components asked one registry for the same metric name with another
 * type, help or label set. Prometheus would get two families of one name,
 * which its parser refuses; rename one of them.
 */
export class MetricConflictError extends TelemetryError {
  static readonly code = 'MT_TELEMETRY_METRIC_CONFLICT';
  static override readonly isInstance = isMtErrorWithCode<MetricConflictError>(
    MetricConflictError.code,
  );

  constructor(name: string, detail: string) {
    super(
      MetricConflictError.code,
      `metric ${name} is already registered ${detail}; give one of them another name`,
    );
  }
}

/** A log level that pino does not have. */
export class InvalidLogLevelError extends TelemetryError {
  static readonly code = 'MT_TELEMETRY_INVALID_LOG_LEVEL';
  static override readonly isInstance = isMtErrorWithCode<InvalidLogLevelError>(
    InvalidLogLevelError.code,
  );

  constructor(level: string, levels: readonly string[]) {
    super(InvalidLogLevelError.code, `log level '${level}' is not one of ${levels.join(', ')}`);
  }
}
