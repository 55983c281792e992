import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { div, expFixed, fromInt, fromU16Proportion, mul, ONE, toU16Proportion } from './fixed.js';

const ONE_BIG = 1n << 32n;
const referenceMul = (a: number, b: number) => Number((BigInt(a) * BigInt(b)) >> 32n);
const referenceDiv = (a: number, b: number) =>
  b === 0 ? 0 : Number((BigInt(a) * ONE_BIG) / BigInt(b));

/** Raw I32F32 values across the ranges the epoch uses, both signs, plus integer-valued ones. */
const raw = fc.oneof(
  fc.integer({ min: -(2 ** 34), max: 2 ** 34 }),
  fc.integer({ min: 0, max: 2 ** 33 }),
  fc.integer({ min: 0, max: 65_535 }).map((n) => n * ONE),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
);

describe('I32F32 arithmetic', () => {
  it('multiplies exactly as a 128-bit product shifted right (floor)', () => {
    fc.assert(
      fc.property(raw, raw, (a, b) => {
        expect(mul(a, b)).toBe(referenceMul(a, b));
      }),
      { numRuns: 20_000 },
    );
  });

  it('divides exactly as the widened quotient truncated toward zero', () => {
    fc.assert(
      fc.property(raw, raw, (a, b) => {
        expect(div(a, b)).toBe(referenceDiv(a, b));
      }),
      { numRuns: 20_000 },
    );
  });

  it('floors negative products that are not exact, as an arithmetic shift does', () => {
    expect(mul(-1, 1)).toBe(-1);
    expect(mul(-ONE, ONE / 2)).toBe(-ONE / 2);
    expect(mul(-3, ONE / 2)).toBe(-2);
  });

  it('gives 0 for division by zero, like safe_div', () => {
    expect(div(ONE, 0)).toBe(0);
  });

  it('converts u16 proportions as the chain does, truncating', () => {
    expect(fromU16Proportion(65_535)).toBe(ONE);
    expect(fromU16Proportion(32_767)).toBe(Math.floor((32_767 * ONE) / 65_535));
    for (let x = 0; x <= 65_535; x += 97)
      expect(toU16Proportion(fromU16Proportion(x))).toBeLessThanOrEqual(x);
    expect(toU16Proportion(fromInt(3))).toBe(65_535);
    expect(toU16Proportion(-5)).toBe(0);
  });
});

describe('exp', () => {
  it('matches the fixed-point Taylor series computed in BigInt', () => {
    const series = (x: bigint) => {
      let result = x + ONE_BIG;
      let term = x;
      for (let i = 2n; i < 32n; i += 1n) {
        term = (((term * x) >> 32n) * ONE_BIG) / (i * ONE_BIG);
        result += term;
      }
      return result;
    };
    fc.assert(
      fc.property(fc.integer({ min: -20 * ONE, max: 20 * ONE }), (x) => {
        fc.pre(x !== 0 && x !== ONE);
        const positive = series(BigInt(Math.abs(x)));
        const expected = x < 0 ? (ONE_BIG * ONE_BIG) / positive : positive;
        expect(expFixed(x)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is close to Math.exp where the series converges', () => {
    for (const x of [-5, -1.5, -0.25, 0.3, 2, 5]) {
      const value = Number(expFixed(Math.round(x * ONE)) ?? 0n) / ONE;
      expect(Math.abs(value - Math.exp(x)) / Math.exp(x)).toBeLessThan(1e-6);
    }
  });
});
