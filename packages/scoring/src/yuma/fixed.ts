/**
 * I32F32 fixed-point arithmetic as substrate-fixed computes it, on raw bit
 * patterns held in JavaScript numbers: the value `v` is stored as the integer
 * `v · 2^32`. Every operation gives the chain's exact result:
 *
 * - `mul(a, b)` is `⌊a·b / 2^32⌋` (floor, as the chain's wide multiply then shift);
 * - `div(a, b)` is `trunc(a·2^32 / b)` (integer division toward zero);
 * - additions are plain integer additions, exact while |raw| < 2^53.
 *
 * The common cases take exact double-precision paths (products split into
 * 16-bit halves, divisions done as two 16-bit long-division steps); anything
 * outside their proven range falls back to BigInt, so speed never costs a bit.
 */

/** Raw bits of 1.0. */
export const ONE = 2 ** 32;
const TWO16 = 65_536;
const TWO21 = 2 ** 21;
const TWO36 = 2 ** 36;
const TWO37 = 2 ** 37;
const SAFE = Number.MAX_SAFE_INTEGER;
const ONE_BIG = 1n << 32n;

/** `⌊x / y⌋` for non-negative integers with `x < 2^52` and `0 < y < 2^36`, exactly. */
function floorDivSmall(x: number, y: number): number {
  let q = Math.floor(x / y);
  const r = x - q * y;
  if (r < 0) q -= 1;
  else if (r >= y) q += 1;
  return q;
}

/** `⌊a·b / 2^32⌋` for non-negative `a, b < 2^37`, exactly. */
function mulFloorUnsigned(a: number, b: number): number {
  const product = a * b;
  if (product <= SAFE) return Math.floor(product / ONE);
  const aH = Math.floor(a / TWO16);
  const aL = a - aH * TWO16;
  const bH = Math.floor(b / TWO16);
  const bL = b - bH * TWO16;
  // a·b = aH·bH·2^32 + (aH·bL + aL·bH)·2^16 + aL·bL, every partial product below 2^53.
  const t = aH * bL + aL * bH + Math.floor((aL * bL) / TWO16);
  return aH * bH + Math.floor(t / TWO16);
}

function mulBig(a: number, b: number): number {
  const product = BigInt(a) * BigInt(b);
  // BigInt `>>` is an arithmetic shift: floor, as the chain.
  return Number(product >> 32n);
}

/** Fixed-point product, `⌊a·b / 2^32⌋`. */
export function mul(a: number, b: number): number {
  if (a >= 0 && b >= 0 && a < TWO37 && b < TWO37) return mulFloorUnsigned(a, b);
  // Negative or large operands are rare in an epoch (bond penalties, liquid alpha).
  return mulBig(a, b);
}

function divBig(a: number, b: number): number {
  // BigInt division truncates toward zero, as the chain.
  return Number((BigInt(a) * ONE_BIG) / BigInt(b));
}

/** `trunc(a·2^32 / b)` for non-negative `a, b`; `b > 0`. */
function divUnsigned(a: number, b: number): number {
  if (a % ONE === 0 && b % ONE === 0 && a / ONE < TWO21 && b / ONE < TWO36) {
    // Both integer-valued (u16 weights, stored bonds): reduce by 2^32 first.
    return floorDivSmall((a / ONE) * ONE, b / ONE);
  }
  if (a < TWO36 && b < TWO36) {
    const q1 = floorDivSmall(a * TWO16, b);
    const r1 = a * TWO16 - q1 * b;
    const q2 = floorDivSmall(r1 * TWO16, b);
    return q1 * TWO16 + q2;
  }
  return divBig(a, b);
}

/**
 * Fixed-point quotient, `trunc(a·2^32 / b)`. Division by zero gives 0, like
 * the chain's `safe_div`.
 */
export function div(a: number, b: number): number {
  if (b === 0) return 0;
  const q = divUnsigned(Math.abs(a), Math.abs(b));
  return a < 0 !== b < 0 && q !== 0 ? -q : q;
}

/** Raw bits of the integer `n`. */
export function fromInt(n: number): number {
  return n * ONE;
}

/** The u16 proportion `x / 65535` as I32F32 (`u16_proportion_to_fixed`). */
export function fromU16Proportion(x: number): number {
  return div(fromInt(x), fromInt(65_535));
}

/** `⌊x · 65535⌋` clamped to the u16 range (`fixed_proportion_to_u16`). */
export function toU16Proportion(x: number): number {
  // x · 65535 is exact below 2^53; beyond that the value saturates anyway.
  const scaled = Math.floor((x * 65_535) / ONE);
  return Math.min(65_535, Math.max(0, scaled));
}

/** The value as a float, for display and the fraction forms of outputs. */
export function toFloat(x: number): number {
  return x / ONE;
}

/** e truncated to I9F23 as substrate-fixed stores it, widened to I32F32. */
const E_RAW = Math.floor(Math.E * 2 ** 23) * 2 ** 9;
const I64_MAX = (1n << 63n) - 1n;
/** Below this magnitude every intermediate of the series stays under 2^53. */
const EXP_NUMBER_LIMIT = fromInt(8);

/**
 * substrate-fixed's `transcendental::exp` for I32F32: a 31-term Taylor series
 * in fixed point, with `exp(-x) = 1 / exp(x)`. Raw bits come back as a
 * bigint, since e^20 needs more than 53 bits; `undefined` where the chain's
 * version returns an error (overflow of a checked operation).
 */
export function expFixed(x: number): bigint | undefined {
  if (x === 0) return ONE_BIG;
  if (x === ONE) return BigInt(E_RAW);
  const operand = Math.abs(x);
  const result =
    operand <= EXP_NUMBER_LIMIT ? BigInt(expSeriesNumber(operand)) : expSeriesBig(BigInt(operand));
  if (result === undefined) return undefined;
  return x < 0 ? (ONE_BIG * ONE_BIG) / result : result;
}

/** The series with every intermediate below 2^53, so numbers are exact. */
function expSeriesNumber(operand: number): number {
  let result = operand + ONE;
  let term = operand;
  for (let i = 2; i < 32; i += 1) {
    term = div(mul(term, operand), fromInt(i));
    result += term;
  }
  return result;
}

function expSeriesBig(operand: bigint): bigint | undefined {
  let result = operand + ONE_BIG;
  let term = operand;
  for (let i = 2n; i < 32n; i += 1n) {
    term = (term * operand) >> 32n;
    if (term > I64_MAX) return undefined;
    term = (term * ONE_BIG) / (i * ONE_BIG);
    result += term;
    if (result > I64_MAX) return undefined;
  }
  return result;
}

/**
 * `exp_safe`: the input clamped to [-20, 20] before `exp`; an error gives 0
 * for negative inputs and the largest I32F32 otherwise.
 */
export function expSafe(x: number): bigint {
  const clamped = Math.min(fromInt(20), Math.max(fromInt(-20), x));
  const value = expFixed(clamped);
  if (value !== undefined) return value;
  return clamped <= 0 ? 0n : I64_MAX;
}

/** `1 / (1 + e)` in I32F32 for raw bits `e` given as a bigint. */
export function reciprocalOnePlus(e: bigint): number {
  return Number((ONE_BIG * ONE_BIG) / (ONE_BIG + e));
}
