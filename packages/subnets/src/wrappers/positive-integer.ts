import { InvalidSubnetInputError } from '../errors.js';

/** `value` when it is an integer of at least `min`; otherwise a typed error naming `field`. */
export function positiveInteger(field: string, value: number, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidSubnetInputError(field, `must be an integer of at least ${min}, got ${value}`);
  }
  return value;
}
