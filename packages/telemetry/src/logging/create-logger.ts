import type { MtLogger } from '@mt/protocol';
import { type DestinationStream, type Logger, pino } from 'pino';
import { InvalidLogLevelError } from '../errors.js';

/** The levels a logger takes, quietest last; `silent` writes nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Field names whose values are never written, wherever they appear one or
 * two levels down: key material, passphrases and credentials. Redaction is a
 * second line of defence; code should not log such values in the first place.
 */
export const REDACTED_FIELDS = [
  'secret',
  'secretKey',
  'privateKey',
  'seed',
  'mnemonic',
  'passphrase',
  'password',
  'authorization',
  'cookie',
] as const;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The program or component, the `name` field of every line. */
  name: string;
  /** Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default standard output. */
  destination?: DestinationStream;
}

/** Whether `value` is one of {@link LOG_LEVELS}. */
export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The level a program runs at, from its `--log-level` and `--quiet`
 * settings: `--quiet` means `warn` (problems only); no setting means `info`.
 *
 * @throws InvalidLogLevelError when `level` is not one of {@link LOG_LEVELS}.
 */
export function resolveLogLevel(settings: {
  level?: string | undefined;
  quiet?: boolean;
}): LogLevel {
  if (settings.level !== undefined) {
    if (!isLogLevel(settings.level)) throw new InvalidLogLevelError(settings.level, LOG_LEVELS);
    return settings.level;
  }
  return settings.quiet ? 'warn' : 'info';
}

/**
 * A pino logger for a program: one JSON line per event with `level` (as a
 * name), an ISO `time`, `name`, the fields and `msg`; errors under `err` with
 * their `code`; {@link REDACTED_FIELDS} censored. It satisfies {@link MtLogger},
 * so it can be handed to every library.
 *
 * @example
 * ```ts
 * const logger = createLogger({ name: 'mt-miner', level: resolveLogLevel({ level: '--log-level value' }) });
 * logger.info({ url }, 'listening');
 * ```
 */
export function createLogger(options: LoggerOptions): Logger & MtLogger {
  const paths = REDACTED_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
