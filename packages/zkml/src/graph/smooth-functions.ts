/** The smooth functions a circuit approximates piecewise linearly. */
export type SmoothFunction = 'sigmoid' | 'tanh' | 'erf';

/** erf to within 1.2e-7 (Numerical Recipes' erfc, Chebyshev fit), well below float32's own error. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const tau =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - tau : tau - 1;
}

/**
 * How a circuit approximates a smooth function: linear interpolation on
 * breakpoints `from, from + step, …, to`, constant outside. The error bound
 * is the interpolation bound `step² / 8 · max |f''|` plus the largest gap to
 * the asymptote outside `[from, to]`.
 */
export interface SmoothApproximation {
  /** The function itself, in float64. */
  exact: (x: number) => number;
  from: number;
  to: number;
  step: number;
  /** Largest |f''| on the real line. */
  maxSecondDerivative: number;
  /** Largest |f(x) − f(to)| for x > to (and the same below `from`). */
  tailError: number;
}

/** The approximation each smooth function gets. */
export const smoothApproximations: Record<SmoothFunction, SmoothApproximation> = {
  sigmoid: {
    exact: (x) => 1 / (1 + Math.exp(-x)),
    from: -8,
    to: 8,
    step: 0.5,
    maxSecondDerivative: 0.0963,
    tailError: 1 / (1 + Math.exp(8)),
  },
  tanh: {
    exact: Math.tanh,
    from: -4,
    to: 4,
    step: 0.25,
    maxSecondDerivative: 0.7699,
    tailError: 1 - Math.tanh(4),
  },
  erf: {
    exact: erf,
    from: -3,
    to: 3,
    step: 0.25,
    maxSecondDerivative: 0.968,
    tailError: 1 - erf(3),
  },
};

/** The stated bound on |f(x) − approximation(x)| for every real x. */
export function approximationBound(fn: SmoothFunction): number {
  const a = smoothApproximations[fn];
  return Math.max((a.step ** 2 / 8) * a.maxSecondDerivative, a.tailError) + 1e-9;
}

/** Breakpoints and the slope change at each: `f(x) ≈ f(from) + Σ change_j · relu(x − point_j)`. */
export function hingeForm(fn: SmoothFunction): { base: number; hinges: [number, number][] } {
  const a = smoothApproximations[fn];
  const count = Math.round((a.to - a.from) / a.step);
  const points = Array.from({ length: count + 1 }, (_, j) => a.from + j * a.step);
  const slopes = points.map((p, j) => {
    const next = points[j + 1];
    return next === undefined ? 0 : (a.exact(next) - a.exact(p)) / (next - p);
  });
  return {
    base: a.exact(a.from),
    hinges: points.map((p, j) => [p, (slopes[j] ?? 0) - (slopes[j - 1] ?? 0)]),
  };
}
