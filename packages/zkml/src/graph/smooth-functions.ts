/**
 * The smooth functions a circuit approximates piecewise linearly. `exp` is
 * exp on x ≤ 0, as Softmax and a subtracted maximum give it; `log` is the
 * natural log on [1, 2^16], as a log-softmax's sum of exponentials gives it;
 * `softplusRemainder` is `log(1 + e^−|x|)`, what Softplus adds to `max(x, 0)`
 * (bounded by log 2 and vanishing both ways, so constant tails fit it).
 */
export type SmoothFunction = 'sigmoid' | 'tanh' | 'erf' | 'exp' | 'log' | 'softplusRemainder';

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
 * How a circuit approximates a smooth function: linear interpolation between
 * breakpoints, constant outside them. The error bound is, per segment
 * `[lo, hi]`, the interpolation bound `(hi − lo)² / 8 · max |f''|` on it,
 * and the largest gap to the function outside the breakpoints.
 */
export interface SmoothApproximation {
  /** The function itself, in float64. */
  exact: (x: number) => number;
  /** Breakpoints, ascending. */
  points: readonly number[];
  /** Largest |f''| on `[lo, hi]`. */
  curvature: (lo: number, hi: number) => number;
  /** Largest |f(x) − f(last point)| above the last point, and the same below the first. */
  tailError: number;
  /**
   * The inputs the bound holds for. `exp` is approximated on x ≤ 0 only
   * (there it lies in (0, 1]), `log` on [1, 2^16]; the caller guarantees
   * the domain or a circuit asserts it.
   */
  domain: 'all' | 'nonPositive' | 'oneTo65536';
}

function uniform(from: number, to: number, step: number): number[] {
  const count = Math.round((to - from) / step);
  return Array.from({ length: count + 1 }, (_, j) => from + j * step);
}

/**
 * Breakpoints for exp on (−∞, 0] with every segment's interpolation error at
 * most `target`: exp'' = exp grows to the right, so segments narrow towards 0
 * (`hi − lo = √(8 · target / e^hi)`), and the approximation stops where e^x
 * itself is below `target`. 17 segments for 2^−9.
 */
function expPoints(target: number): number[] {
  const points = [0];
  const from = Math.log(target);
  let hi = 0;
  while (hi > from) {
    hi -= Math.sqrt((8 * target) / Math.exp(hi));
    points.unshift(hi);
  }
  return points;
}

/**
 * Breakpoints for log on [1, 2^16] with every segment's interpolation error
 * at most `target`: log'' = −1/x², so segments widen geometrically
 * (`hi − lo = lo · √(8 · target)`). 95 segments for 2^−9; a circuit keeps
 * only those below its input's bound.
 */
function logPoints(target: number): number[] {
  const points = [1];
  let lo = 1;
  while (lo < 2 ** 16) {
    lo = Math.min(2 ** 16, lo * (1 + Math.sqrt(8 * target)));
    points.push(lo);
  }
  return points;
}

const EXP_TARGET = 2 ** -9;
const expBreakpoints = expPoints(EXP_TARGET);

/** The approximation each smooth function gets. */
export const smoothApproximations: Record<SmoothFunction, SmoothApproximation> = {
  sigmoid: {
    exact: (x) => 1 / (1 + Math.exp(-x)),
    points: uniform(-8, 8, 0.5),
    curvature: () => 0.0963,
    tailError: 1 / (1 + Math.exp(8)),
    domain: 'all',
  },
  tanh: {
    exact: Math.tanh,
    points: uniform(-4, 4, 0.25),
    curvature: () => 0.7699,
    tailError: 1 - Math.tanh(4),
    domain: 'all',
  },
  erf: {
    exact: erf,
    points: uniform(-3, 3, 0.25),
    curvature: () => 0.968,
    tailError: 1 - erf(3),
    domain: 'all',
  },
  exp: {
    exact: Math.exp,
    points: expBreakpoints,
    curvature: (_lo, hi) => Math.exp(hi),
    tailError: Math.exp(expBreakpoints[0] ?? 0),
    domain: 'nonPositive',
  },
  softplusRemainder: {
    exact: (x) => Math.log1p(Math.exp(-Math.abs(x))),
    // 0 is a breakpoint, so the kink of |x| falls between segments; on each side
    // the second derivative e^−y / (1 + e^−y)² is at most 1/4.
    points: uniform(-10, 10, 0.25),
    curvature: () => 0.25,
    tailError: Math.log1p(Math.exp(-10)),
    domain: 'all',
  },
  log: {
    exact: Math.log,
    points: logPoints(EXP_TARGET),
    curvature: (lo) => 1 / lo ** 2,
    // Nothing lies outside the domain: below 1 and above 2^16 are not inputs.
    tailError: 0,
    domain: 'oneTo65536',
  },
};

/** The stated bound on |f(x) − approximation(x)| for every x in the function's domain. */
export function approximationBound(fn: SmoothFunction): number {
  return derived(fn).bound;
}

/** Breakpoints and the slope change at each: `f(x) ≈ f(first) + Σ change_j · relu(x − point_j)`. */
export function hingeForm(fn: SmoothFunction): { base: number; hinges: [number, number][] } {
  return derived(fn).form;
}

interface Derived {
  bound: number;
  form: { base: number; hinges: [number, number][] };
}

// Both follow from the fixed tables above, and a circuit asks for them once
// per element: work them out once per function.
const cache = new Map<SmoothFunction, Derived>();

function derived(fn: SmoothFunction): Derived {
  const known = cache.get(fn);
  if (known) return known;
  const a = smoothApproximations[fn];
  const points = a.points;
  let bound = a.tailError;
  for (let j = 1; j < points.length; j += 1) {
    const lo = points[j - 1] as number;
    const hi = points[j] as number;
    bound = Math.max(bound, ((hi - lo) ** 2 / 8) * a.curvature(lo, hi));
  }
  const slopes = points.map((p, j) => {
    const next = points[j + 1];
    return next === undefined ? 0 : (a.exact(next) - a.exact(p)) / (next - p);
  });
  const result: Derived = {
    bound: bound + 1e-9,
    form: {
      base: a.exact(points[0] ?? 0),
      hinges: points.map((p, j) => [p, (slopes[j] ?? 0) - (slopes[j - 1] ?? 0)]),
    },
  };
  cache.set(fn, result);
  return result;
}
