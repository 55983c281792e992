import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Affine, isAffine, raised, type Value } from './affine.js';
import { LoweringAlgebra } from './lowering-algebra.js';

const S = 8;

/** Affine forms over 6 signals at denominators 2^0…2^(2S), and constants a circuit holds exactly at 2^S. */
const value = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((n): Value => n / 2 ** S),
  fc
    .record({
      terms: fc.uniqueArray(fc.record({ sig: fc.nat(5), q: fc.integer({ min: -500, max: 500 }) }), {
        maxLength: 4,
        selector: (t) => t.sig,
      }),
      c: fc.integer({ min: -1000, max: 1000 }),
      D: fc.integer({ min: 0, max: 2 * S }),
      slack: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(
      ({ terms, c, D, slack }): Value => ({
        sig: terms.map((t) => t.sig),
        q: terms.map((t) => BigInt(t.q)),
        w: terms.map((t) => t.q / 2 ** D),
        c: BigInt(c),
        cw: c / 2 ** D,
        D,
        slack,
      }),
    ),
);

describe('LoweringAlgebra.sum', () => {
  it('is what adding one value at a time gives, in one pass', () => {
    const A = new LoweringAlgebra(S);
    for (let i = 0; i < 6; i += 1) A.newSignal(S, 1n << 10n);
    fc.assert(
      fc.property(fc.array(value, { maxLength: 12 }), (values) => {
        const once = A.sum(values);
        const folded = values.reduce<Value>((a, b) => A.add(a, b), 0);
        if (!isAffine(folded)) {
          expect(once).toBe(folded);
          return;
        }
        expect(isAffine(once)).toBe(true);
        // Constants that cancel may leave the sum at a coarser denominator:
        // the same value, so compare the two at the finer one.
        const D = Math.max((once as Affine).D, folded.D);
        const sum = raised(once as Affine, D);
        const expected = raised(folded, D);
        expect({ sig: sum.sig, q: sum.q, c: sum.c, slack: sum.slack }).toEqual({
          sig: expected.sig,
          q: expected.q,
          c: expected.c,
          slack: expected.slack,
        });
        sum.w.forEach((w, i) => {
          expect(w).toBeCloseTo(expected.w[i] ?? Number.NaN, 9);
        });
        expect(sum.cw).toBeCloseTo(expected.cw, 9);
      }),
      { numRuns: 500 },
    );
  });
});
