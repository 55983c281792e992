import { describe, expect, it } from 'vitest';
import { fitLeastSquares, sumSquaredError } from './line-fit.js';

describe('fitLeastSquares', () => {
  it('recovers an exact line', () => {
    const xs = [-2, 0, 1, 5];
    const line = fitLeastSquares(
      xs,
      xs.map((x) => 3 * x - 1),
    );
    expect(line.slope).toBeCloseTo(3, 12);
    expect(line.intercept).toBeCloseTo(-1, 12);
  });

  it('matches the textbook normal equations on noisy data', () => {
    // Worked by hand: mean x = 2, mean y = 3, Sxy = 8, Sxx = 10, residuals -0.4 0.8 -1 1.2 -0.6.
    const line = fitLeastSquares([0, 1, 2, 3, 4], [1, 3, 2, 5, 4]);
    expect(line.slope).toBeCloseTo(0.8, 12);
    expect(line.intercept).toBeCloseTo(1.4, 12);
    expect(sumSquaredError(line, [0, 1, 2, 3, 4], [1, 3, 2, 5, 4])).toBeCloseTo(3.6, 12);
  });

  it('gives a flat line through the mean when every x is the same', () => {
    expect(fitLeastSquares([2, 2, 2], [1, 2, 6])).toEqual({ slope: 0, intercept: 3 });
  });
});
