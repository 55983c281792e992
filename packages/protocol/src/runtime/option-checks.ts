import type { MtError } from '../errors.js';

/**
 * The one option validator of every package: each check returns the value
 * when it is acceptable and otherwise throws the package's own typed error,
 * naming the option and what it must be. Call it once, where a constructor
 * resolves its defaults, never again on the hot path.
 *
 * @example
 * ```ts
 * const check = optionChecks((option, problem) => new InvalidProcessorOptionError(option, problem));
 * this.#size = check.integer('maxBatchSize', options.maxBatchSize ?? 32);
 * ```
 */
export interface OptionChecks {
  /** An integer in [`min`, `max`] (default [1, 2^53 − 1]). */
  integer(option: string, value: number, min?: number, max?: number): number;
  /** A finite number ≥ 0. */
  nonNegative(option: string, value: number): number;
  /** A finite number > 0. */
  positive(option: string, value: number): number;
}

/** Builds the {@link OptionChecks} that throw `fail(option, problem)`. */
export function optionChecks(fail: (option: string, problem: string) => MtError): OptionChecks {
  return {
    integer(option, value, min = 1, max = Number.MAX_SAFE_INTEGER) {
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `in [${min}, ${max}]`;
        throw fail(option, `must be an integer ${range}, got ${value}`);
      }
      return value;
    },
    nonNegative(option, value) {
      if (!(Number.isFinite(value) && value >= 0))
        throw fail(option, `must be a finite number ≥ 0, got ${value}`);
      return value;
    },
    positive(option, value) {
      if (!(Number.isFinite(value) && value > 0))
        throw fail(option, `must be a finite number > 0, got ${value}`);
      return value;
    },
  };
}
