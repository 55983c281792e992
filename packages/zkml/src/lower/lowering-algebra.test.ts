import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Affine, isAffine, raised, signalValue, type Value } from './affine.js';
import { evaluateProgram } from './evaluate-program.js';
import { LoweringAlgebra } from './lowering-algebra.js';
import type { FixedPointProgram } from './program.js';

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

describe('LoweringAlgebra.within', () => {
  /** A one-input program whose output is `within(x, 3)`. */
  function program() {
    const A = new LoweringAlgebra(S);
    const x = A.newSignal(S, 1n << 20n);
    const y = A.affine(A.within(signalValue(x, S), 3, 'the test limit'));
    const lowered: FixedPointProgram = {
      mode: 'public',
      scaleBits: S,
      inputBits: 21,
      inputs: [{ name: 'x', dims: [1], offset: 0 }],
      inputSize: 1,
      signals: A.signals,
      steps: A.steps,
      outputs: [{ name: 'y', dims: [1], elements: [y] }],
      privateTensors: [],
      privateExact: new Map(),
    };
    return { A, y, lowered };
  }

  it('passes a value within the limit through, and what follows sees the limit, not the input bound', () => {
    const { A, y, lowered } = program();
    expect(A.numeratorBound(y)).toBeLessThanOrEqual(3n * 3n * 2n ** BigInt(S));
    expect(A.numeratorBound(y)).toBeLessThan(1n << 20n);
    for (const v of [-3, -1.5, 0, 2.75, 3])
      expect(evaluateProgram(lowered, [BigInt(v * 2 ** S)], 0).outputs).toEqual([v]);
  });

  it('has no witness for a value past the limit either way, and says which check', () => {
    const { lowered } = program();
    for (const v of [3.5, -3.5, 4000])
      expect(() => evaluateProgram(lowered, [BigInt(v * 2 ** S)], 0)).toThrow(/the test limit/);
  });
});
