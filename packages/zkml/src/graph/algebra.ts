import type { SmoothFunction } from './smooth-functions.js';

/**
 * The arithmetic every operator kernel is written against, once: the float
 * reference and constant folding use numbers, the circuit lowering uses
 * symbolic fixed-point values. Kernels never branch on which one they run on,
 * so the circuit computes the very graph the float reference does.
 */
export interface Algebra<E> {
  /** A constant of the model. */
  constant(value: number): E;
  /** The value when it is known at compile time, else undefined. */
  valueOf(e: E): number | undefined;
  /** Whether the value is an integer in every evaluation (a bool, an index, a count). */
  isInteger(e: E): boolean;
  /** `a + b`. */
  add(a: E, b: E): E;
  /**
   * `Σ values` (0 for none) in one pass. Not a fold of {@link Algebra.add}:
   * in a circuit each add copies the sum so far, so summing a tree's
   * thousands of leaves pairwise would take time quadratic in their number.
   */
  sum(values: readonly E[]): E;
  /** `a · k` for a model constant `k`. */
  scale(a: E, k: number): E;
  /** `a · b`; free when either is a constant. */
  mul(a: E, b: E): E;
  /** `bias + Σ xs[i] · ws[i]`: the multiply-accumulate of a dense layer or a convolution. */
  dot(xs: readonly E[], ws: readonly E[], bias: E): E;
  /** `max(0, a)`. */
  relu(a: E): E;
  /**
   * The largest integer at or below `a`, exact on the value as computed: in
   * a circuit one shift of every fraction bit, so its result is an integer
   * (see {@link Algebra.isInteger}).
   */
  floor(a: E): E;
  /** `max(a, b)`, exact on the values as computed. */
  max(a: E, b: E): E;
  /** `1` when `a ≥ 0`, else `0`. */
  atLeastZero(a: E): E;
  /** `1` when `a > 0`, else `0`. */
  aboveZero(a: E): E;
  /** The index of the first largest value. */
  argmax(values: readonly E[]): E;
  /**
   * A smooth function: exact in the float reference, a stated approximation
   * in a circuit. For a function whose domain is x ≤ 0 (`exp`) the caller
   * guarantees it (a value minus its maximum) or asks for it with
   * {@link Algebra.requireNonPositive}.
   */
  smooth(a: E, fn: SmoothFunction): E;
  /**
   * `√a` for `a ≥ 0`: a circuit requires it (a negative input has no
   * witness), and `what` says which operator needed it. Exact in the float
   * reference; in a circuit the root of the value as computed, rounded down.
   */
  sqrt(a: E, what: string): E;
  /**
   * `a / b` for a divisor that is positive (a sum of exponentials): a
   * circuit requires it, so a non-positive divisor has no proof.
   */
  dividePositive(a: E, b: E): E;
  /**
   * `exp(v_i − max v) / Σ_j exp(v_j − max v)` over one group. A primitive,
   * not built from the others, because its error has a rule of its own: a
   * softmax ignores the maximum it subtracts, and its outputs lie in [0, 1].
   */
  softmax(values: readonly E[]): E[];
  /** `v_i − max v − log Σ_j exp(v_j − max v)` over one group, with the error rule of {@link Algebra.softmax}. */
  logSoftmax(values: readonly E[]): E[];
  /**
   * `a`, required to lie within `[−limit, limit]`, for a value the model
   * bounds mathematically (a normalised value lies within √n) but the
   * circuit's worst-case analysis does not: a circuit checks it, so later
   * steps are sized by `limit`, not by the bounds of everything before, and
   * the error is at most `2 · limit`. The caller vouches that the model's
   * exact value lies within the limit. The float reference is `a`
   * unchanged; an input that breaks the limit has no proof, and `what` names
   * the operator.
   */
  within(a: E, limit: number, what: string): E;
  /**
   * `a`, required to be ≤ 0: a circuit has no witness otherwise, and `what`
   * says which operator needed it. The float reference computes the model
   * for any input, so there it is `a` unchanged.
   */
  requireNonPositive(a: E, what: string): E;
}
