import { InvalidProcessorOptionError } from './errors.js';

/** `value` if it is an integer ≥ `min`; otherwise an error naming the option. */
export function requireInteger(option: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidProcessorOptionError(option, `must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** `value` if it is finite and ≥ 0; otherwise an error naming the option. */
export function requireNonNegative(option: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new InvalidProcessorOptionError(option, `must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}
