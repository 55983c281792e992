/**
 * Typed errors of `@mt/protocol`, and the base class every ModernTensor package
 * extends for its own.
 *
 * Errors are recognised by a marker stored under a `Symbol.for` key rather than
 * by `instanceof`, so an error thrown by one copy of a package is still
 * recognised by another copy (two versions installed side by side, or a bundled
 * and an unbundled one).
 *
 * @example
 * ```ts
 * try {
 *   parseTask(body);
 * } catch (error) {
 *   if (SchemaValidationError.isInstance(error)) console.error(error.issues);
 *   else throw error;
 * }
 * ```
 */

const MT_ERROR_MARKER = Symbol.for('moderntensor.error');

/** Options accepted by every {@link MtError} constructor. */
export interface MtErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
}

/**
 * Base class of every error a ModernTensor package throws on purpose.
 * `code` is stable across releases and safe to branch on; the message is for
 * people and may change.
 */
export class MtError extends Error {
  /** Stable machine-readable identifier, e.g. `MT_SCHEMA_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: MtErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    // The marker is set, not declared, so it stays out of every subclass's type.
    Object.defineProperty(this, MT_ERROR_MARKER, { value: true });
    this.code = code;
    this.name = new.target.name;
  }

  /** True when `error` is a ModernTensor error from any copy of any package. */
  static isInstance(error: unknown): error is MtError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MT_ERROR_MARKER] === true &&
      typeof (error as { code?: unknown }).code === 'string'
    );
  }
}

/**
 * Builds the `isInstance` guard of an error class with a fixed `code`, so each
 * subclass is recognised across duplicate installs by its code alone.
 */
export function isMtErrorWithCode<T extends MtError>(code: string): (error: unknown) => error is T {
  return (error: unknown): error is T => MtError.isInstance(error) && error.code === code;
}

/**
 * Builds the `isInstance` guard of a package's base error class, which
 * recognises every code that starts with `prefix` (e.g. `MT_SCORING_`).
 */
function isMtErrorWithCodePrefix<T extends MtError>(
  prefix: string,
): (error: unknown) => error is T {
  return (error: unknown): error is T => MtError.isInstance(error) && error.code.startsWith(prefix);
}

/** One problem found while checking a value against a runtime schema. */
export interface SchemaIssue {
  /** Dotted path to the offending field, e.g. `context.difficulty`; `''` for the value itself. */
  path: string;
  /** What was wrong with it. */
  message: string;
}

/**
 * The one way issues are written out: `path: message; path: message`, with
 * `subject` (e.g. `(body)`) standing for the value itself.
 */
export function formatIssues(issues: readonly SchemaIssue[], subject = '(value)'): string {
  return issues
    .map((issue) => `${issue.path === '' ? subject : issue.path}: ${issue.message}`)
    .join('; ');
}

/** A value did not match the runtime schema of a protocol type. */
export class SchemaValidationError extends MtError {
  static readonly code = 'MT_SCHEMA_INVALID';
  static override readonly isInstance = isMtErrorWithCode<SchemaValidationError>(
    SchemaValidationError.code,
  );

  /** Name of the type that was being parsed, e.g. `Task`. */
  readonly typeName: string;
  /** Every problem found, each naming its field. */
  readonly issues: readonly SchemaIssue[];

  constructor(typeName: string, issues: readonly SchemaIssue[], options?: MtErrorOptions) {
    super(SchemaValidationError.code, `Invalid ${typeName}: ${formatIssues(issues)}`, options);
    this.typeName = typeName;
    this.issues = issues;
  }
}

/** A task was rejected by the subnet's own validation before any work was done. */
export class TaskValidationError extends MtError {
  static readonly code = 'MT_TASK_INVALID';
  static override readonly isInstance = isMtErrorWithCode<TaskValidationError>(
    TaskValidationError.code,
  );

  readonly taskId: string;

  constructor(taskId: string, reason: string, options?: MtErrorOptions) {
    super(TaskValidationError.code, `Task '${taskId}' is invalid: ${reason}`, options);
    this.taskId = taskId;
  }
}

/** The caller's `AbortSignal` fired before a task finished. */
export class TaskAbortedError extends MtError {
  static readonly code = 'MT_TASK_ABORTED';
  static override readonly isInstance = isMtErrorWithCode<TaskAbortedError>(TaskAbortedError.code);

  readonly taskId: string;

  constructor(taskId: string, reason: unknown) {
    super(TaskAbortedError.code, `Task '${taskId}' was aborted: ${describeCause(reason)}`, {
      cause: reason,
    });
    this.taskId = taskId;
  }
}

/** Formats an unknown thrown value for a message without losing what it said. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause) ?? String(cause);
  } catch {
    return String(cause);
  }
}

/** Why {@link JsonParseError} refused a text. */
export type JsonParseErrorCode = 'MT_JSON_MALFORMED' | 'MT_JSON_TOO_DEEP';

/**
 * A peer's text is not JSON (`MT_JSON_MALFORMED`) or nests deeper than the
 * limit (`MT_JSON_TOO_DEEP`); see `parseJson`.
 */
export class JsonParseError extends MtError {
  static override readonly isInstance = (error: unknown): error is JsonParseError =>
    MtError.isInstance(error) &&
    (error.code === 'MT_JSON_MALFORMED' || error.code === 'MT_JSON_TOO_DEEP');

  declare readonly code: JsonParseErrorCode;

  constructor(code: JsonParseErrorCode, problem: string, options?: MtErrorOptions) {
    super(code, `Not accepted as JSON: ${problem}`, options);
  }
}

/** A key file could not be written or read safely, or does not hold a key. */
export class KeyFileError extends MtError {
  static readonly code = 'MT_KEY_FILE';
  static override readonly isInstance = isMtErrorWithCode<KeyFileError>(KeyFileError.code);

  readonly path: string;
  /** What was wrong, without the path: `is not a regular file`, ... */
  readonly problem: string;

  constructor(path: string, problem: string, options?: MtErrorOptions) {
    super(KeyFileError.code, `Key file ${path}: ${problem}`, options);
    this.path = path;
    this.problem = problem;
  }
}

/**
 * An optional peer dependency a feature needs is not installed. The message
 * names the package and the command that installs it.
 */
export class MissingPeerError extends MtError {
  static readonly code = 'MT_PEER_MISSING';
  static override readonly isInstance = isMtErrorWithCode<MissingPeerError>(MissingPeerError.code);

  /** The npm package to install, e.g. `bullmq`. */
  readonly peer: string;

  constructor(peer: string, range: string, feature: string, options?: MtErrorOptions) {
    super(
      MissingPeerError.code,
      `${feature} needs the package '${peer}', which is not installed. Install it with: npm install ${peer}@'${range}'`,
      options,
    );
    this.peer = peer;
  }
}

const INVALID_ARGUMENT_MARKER = Symbol.for('moderntensor.invalid-argument');

/** Options of {@link InvalidArgumentError}: a package's own code, e.g. `MT_SCORING_INVALID_INPUT`. */
export interface InvalidArgumentOptions extends MtErrorOptions {
  code?: string;
}

/**
 * A function was called with an argument it cannot take (a seed of the wrong
 * length, a negative duration, a stake that is NaN): named and explained,
 * and nothing was changed. Every package's "invalid input" error is one of
 * these with the package's own code (made by {@link errorFamily}), so
 * `InvalidArgumentError.isInstance` recognises all of them, from any copy of
 * any package, and the package's own class recognises its own.
 */
export class InvalidArgumentError extends MtError {
  static readonly code: string = 'MT_INVALID_ARGUMENT';
  static override readonly isInstance = (error: unknown): error is InvalidArgumentError =>
    MtError.isInstance(error) &&
    (error as unknown as Record<symbol, unknown>)[INVALID_ARGUMENT_MARKER] === true;

  /** The argument, e.g. `seed` or `stake[3]`. */
  readonly argument: string;

  constructor(argument: string, problem: string, options: InvalidArgumentOptions = {}) {
    const { code = InvalidArgumentError.code, ...rest } = options;
    super(code, `Invalid ${argument}: ${problem}`, rest);
    Object.defineProperty(this, INVALID_ARGUMENT_MARKER, { value: true });
    this.argument = argument;
  }
}

/** The base class {@link errorFamily} makes: an {@link MtError} recognised by its code's prefix. */
export interface FamilyErrorClass<Prefix extends string> {
  new (code: `${Prefix}${string}`, message: string, options?: MtErrorOptions): MtError;
  /** True when `error` is one of the family's errors, from any installed copy of its package. */
  isInstance(error: unknown): error is MtError;
}

/** The invalid-input class {@link errorFamily} makes: an {@link InvalidArgumentError} with the family's code. */
export interface FamilyInvalidInputClass {
  new (argument: string, problem: string, options?: MtErrorOptions): InvalidArgumentError;
  /** The family's invalid-input code, e.g. `MT_SCORING_INVALID_INPUT`. */
  readonly code: string;
  /** True when `error` is this family's invalid input, from any installed copy of its package. */
  isInstance(error: unknown): error is InvalidArgumentError;
}

/** What {@link errorFamily} returns. */
export interface ErrorFamily<Prefix extends string> {
  /** The prefix of every code in the family, e.g. `MT_SCORING_`. */
  prefix: Prefix;
  /** The family's base class. */
  Error: FamilyErrorClass<Prefix>;
  /** The family's invalid-input class. */
  InvalidInput: FamilyInvalidInputClass;
}

/**
 * A package's error family from one place: its base class, whose
 * `isInstance` recognises every code that starts with `prefix`, and its
 * invalid-input class, an {@link InvalidArgumentError} with the code
 * `prefix + invalidInput` (default `INVALID_INPUT`). Each package extends
 * the two under its own names, so its errors share one shape and one way of
 * being recognised.
 *
 * @example
 * ```ts
 * const family = errorFamily('MT_SCORING_');
 * export class ScoringError extends family.Error {}
 * export class InvalidScoringInputError extends family.InvalidInput {}
 * throw new InvalidScoringInputError('stake[3]', 'is negative');
 * ```
 */
export function errorFamily<const Prefix extends `MT_${string}_`>(
  prefix: Prefix,
  options: { invalidInput?: string } = {},
): ErrorFamily<Prefix> {
  const invalidCode = `${prefix}${options.invalidInput ?? 'INVALID_INPUT'}`;
  class FamilyError extends MtError {
    static override readonly isInstance = isMtErrorWithCodePrefix<FamilyError>(prefix);

    constructor(code: `${Prefix}${string}`, message: string, errorOptions?: MtErrorOptions) {
      super(code, message, errorOptions);
    }
  }
  class FamilyInvalidInput extends InvalidArgumentError {
    static override readonly code: string = invalidCode;
    static override readonly isInstance = isMtErrorWithCode<FamilyInvalidInput>(invalidCode);

    constructor(argument: string, problem: string, errorOptions: MtErrorOptions = {}) {
      super(argument, problem, { ...errorOptions, code: invalidCode });
    }
  }
  return { prefix, Error: FamilyError, InvalidInput: FamilyInvalidInput };
}

/**
 * Bad usage of a command-line program (a missing or contradictory argument):
 * `@mt/cli` prints it with a pointer to `--help` and exits 2.
 */
export class CliUsageError extends MtError {
  static readonly code = 'MT_CLI_USAGE';
  static override readonly isInstance = isMtErrorWithCode<CliUsageError>(CliUsageError.code);

  constructor(message: string) {
    super(CliUsageError.code, message);
  }
}

/**
 * A peer's endpoint points where this process must not send anything: a
 * loopback, private, link-local, carrier-grade NAT, unspecified, multicast or
 * reserved address (or an IPv4-mapped or NAT64 form of one), or port 0. A
 * miner publishes its own endpoint, so without this check it could aim a
 * validator's signed request at the cloud metadata service or an internal API.
 */
export class EndpointRefusedError extends MtError {
  static readonly code = 'MT_ENDPOINT_REFUSED';
  static override readonly isInstance = isMtErrorWithCode<EndpointRefusedError>(
    EndpointRefusedError.code,
  );

  /** The endpoint, or the address it resolved to. */
  readonly endpoint: string;

  constructor(endpoint: string, problem: string) {
    super(EndpointRefusedError.code, `Endpoint ${endpoint} is refused: ${problem}`);
    this.endpoint = endpoint;
  }
}
