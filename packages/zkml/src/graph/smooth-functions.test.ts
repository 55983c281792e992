import { describe, expect, it } from 'vitest';
import {
  approximationBound,
  hingeForm,
  type SmoothFunction,
  smoothApproximations,
} from './smooth-functions.js';

/** The piecewise-linear approximation a circuit computes, in float64. */
function approximate(fn: SmoothFunction, x: number): number {
  const { base, hinges } = hingeForm(fn);
  return hinges.reduce((acc, [point, change]) => acc + change * Math.max(0, x - point), base);
}

/** Samples of `fn`'s domain, dense where the breakpoints are and past them both ways. */
function samples(fn: SmoothFunction): number[] {
  const a = smoothApproximations[fn];
  const first = a.points[0] ?? 0;
  const last = a.points.at(-1) ?? 0;
  const lo = a.domain === 'oneTo65536' ? 1 : first - 20;
  const hi = a.domain === 'nonPositive' ? 0 : a.domain === 'oneTo65536' ? 2 ** 16 : last + 20;
  return Array.from({ length: 200_001 }, (_, k) => lo + ((hi - lo) * k) / 200_000);
}

describe('smooth approximations', () => {
  // The bounds the zkml README states, each a true bound on the whole domain.
  it.each([
    ['sigmoid', 0.0031],
    ['tanh', 0.0061],
    ['erf', 0.0076],
    ['exp', 0.002],
    ['softplusRemainder', 0.002],
  ] as const)('%s stays within its stated bound, which is below %f', (fn, quoted) => {
    const bound = approximationBound(fn);
    expect(bound).toBeLessThan(quoted);
    const exact = smoothApproximations[fn].exact;
    let worst = 0;
    for (const x of samples(fn)) worst = Math.max(worst, Math.abs(exact(x) - approximate(fn, x)));
    expect(worst).toBeLessThanOrEqual(bound);
    // Not vacuous: the worst sampled error is within a factor of 4 of the bound.
    expect(worst).toBeGreaterThan(bound / 4);
  });
});
