/**
 * One log method: structured fields first, then the message, as pino takes
 * them. Fields are data, never interpolated into the message.
 */
export interface LogFn {
  (fields: Record<string, unknown>, message?: string): void;
  (message: string): void;
}

/**
 * The logger every ModernTensor library accepts. It is the part of pino's
 * `Logger` the libraries use, so a pino logger (`createLogger` in
 * `@mt/telemetry`, or your own) can be passed as it is; libraries stay
 * silent ({@link silentLogger}) unless given one.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * await createMinerServer({ hotkey, handlers, logger: pino({ level: 'debug' }) });
 * ```
 */
export interface MtLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): MtLogger;
}

const ignore = () => {};

/** A logger that writes nothing: the default of every library. */
export const silentLogger: MtLogger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
};
