import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for an integer in [`min`, `max`]; a malformed
 * value is bad usage (exit 2) naming the option.
 *
 * @example
 * ```ts
 * command.option('--seed <n>', 'sampling seed', integer({ min: 0 }));
 * ```
 */
export function integer(range: { min?: number; max?: number } = {}): (text: string) => number {
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`must be an integer${describeRange(min, max)}`);
    }
    return value;
  };
}

/**
 * A commander argument parser for a finite number in [`min`, `max`], and
 * above `above` when given (for a value that must be positive: `{ above: 0 }`).
 */
export function finite(
  range: { min?: number; max?: number; above?: number } = {},
): (text: string) => number {
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const above = range.above ?? Number.NEGATIVE_INFINITY;
  return (text) => {
    const value = Number(text);
    if (
      text.trim() === '' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      value <= above
    ) {
      const over = Number.isFinite(above) ? ` > ${above}` : '';
      throw new InvalidArgumentError(`must be a number${over}${describeRange(min, max)}`);
    }
    return value;
  };
}

/** A commander argument parser for an amount of rao: a whole number from 0 to the u64 maximum. */
export function amount(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('must be a whole number ≥ 0');
  const value = BigInt(text);
  // Every balance and stake on chain is a u64 of rao.
  if (value > 0xffff_ffff_ffff_ffffn)
    throw new InvalidArgumentError('must fit a u64 (at most 18446744073709551615 rao)');
  return value;
}

function describeRange(min: number, max: number): string {
  const low = Number.isFinite(min) && min > Number.MIN_SAFE_INTEGER;
  const high = Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
  if (low && high) return ` from ${min} to ${max}`;
  if (low) return ` ≥ ${min}`;
  if (high) return ` ≤ ${max}`;
  return '';
}

/** A commander argument parser for a subnet's number (a u16). */
export const subnetNumber: (text: string) => number = integer({ min: 0, max: 65_535 });
