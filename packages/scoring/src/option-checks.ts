import { InvalidScoringInputError } from './errors.js';

/** `value` if it is finite and > 0; otherwise an error naming `field`. */
export function requirePositive(field: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new InvalidScoringInputError(field, `must be a finite number > 0, got ${value}`);
  }
  return value;
}

/** `weight` if it is finite and ≥ 0; otherwise an error naming `field`. */
export function requireWeight(field: string, weight: number): number {
  if (!(Number.isFinite(weight) && weight >= 0)) {
    throw new InvalidScoringInputError(field, `must be a finite number ≥ 0, got ${weight}`);
  }
  return weight;
}
