import { InvalidScoringInputError } from '../errors.js';

const ONE = 1n << 32n;
const U16_MAX = 65_535n;
const THRESHOLD = 32_768n * ONE;

/** Fixed-point `round()`: to nearest, ties away from zero (inputs here are non-negative). */
function roundToInt(raw: bigint): bigint {
  return (raw + ONE / 2n) >> 32n;
}

/**
 * `vec_u16_max_upscale_to_u16`: scales u16 weights so the largest becomes
 * 65535, exactly as `set_weights` stores them (I32F32 arithmetic, rounded).
 */
export function maxUpscaleU16(values: readonly number[]): number[] {
  values.forEach((value, k) => {
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      throw new InvalidScoringInputError(`values[${k}]`, `expected a u16 weight, got ${value}`);
    }
  });
  const raws = values.map((value) => BigInt(value) * ONE);
  let max = 0n;
  for (const raw of raws) if (raw > max) max = raw;
  const u16Max = U16_MAX * ONE;
  const clampU16 = (x: bigint) => Number(x > U16_MAX ? U16_MAX : x < 0n ? 0n : x);
  if (max === 0n) return raws.map((raw) => clampU16((raw * u16Max) >> 64n));
  if (max > THRESHOLD) {
    const factor = (u16Max * ONE) / max;
    return raws.map((raw) => clampU16(roundToInt((raw * factor) >> 32n)));
  }
  return raws.map((raw) => clampU16(roundToInt((((raw * u16Max) >> 32n) * ONE) / max)));
}
