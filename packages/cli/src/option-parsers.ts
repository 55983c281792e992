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

/** A commander argument parser for a finite number in [`min`, `max`]. */
export function finite(range: { min?: number; max?: number } = {}): (text: string) => number {
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`must be a number${describeRange(min, max)}`);
    }
    return value;
  };
}

/** A commander argument parser for a bigint amount ≥ 0 (rao, say). */
export function amount(text: string): bigint {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return BigInt(text);
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
