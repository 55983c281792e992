import { InvalidZkmlInputError } from '../errors.js';
import { quantize } from './lowering-algebra.js';

/** The shape of a circuit's input: how many values, at which scale and width. */
export interface InputEncoding {
  inputSize: number;
  scaleBits: number;
  inputBits: number;
}

/**
 * The input quantised as the circuit takes it: `round(v · 2^S)` per value,
 * each within the circuit's signed input range.
 *
 * @throws InvalidZkmlInputError when the length is wrong or a value is
 *   not finite or outside the range.
 */
export function quantizeInput(encoding: InputEncoding, input: readonly number[]): bigint[] {
  const { inputSize, inputBits, scaleBits } = encoding;
  if (!Array.isArray(input) || input.length !== inputSize) {
    throw new InvalidZkmlInputError(
      'input',
      `must be an array of ${inputSize} numbers, got ${Array.isArray(input) ? input.length : typeof input}`,
    );
  }
  const limit = 1n << BigInt(inputBits - 1);
  return input.map((value, i) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidZkmlInputError(`input[${i}]`, `must be a finite number, got ${value}`);
    }
    const fixed = quantize(value, scaleBits);
    if (fixed < -limit || fixed >= limit) {
      throw new InvalidZkmlInputError(
        `input[${i}]`,
        `${value} is outside the circuit's input range [${-Number(limit) / 2 ** scaleBits}, ${Number(limit) / 2 ** scaleBits}); compile with a larger inputBits`,
      );
    }
    return fixed;
  });
}
