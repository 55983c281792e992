import type { Algebra } from '../algebra.js';
import { refuse } from '../kernel.js';

/**
 * `values[index]` for a computed integer index in `[0, values.length)`, as a
 * staircase: `values[0] + Σ_k [index ≥ k]·(values[k] − values[k−1])`. One
 * sign per step, and one product where the values are computed (a constant
 * step is free), so the cost is linear in the table's size. An index outside
 * the table must be ruled out by the caller ({@link indexWithin}).
 */
export function selectAt<E>(A: Algebra<E>, index: E, values: readonly E[]): E {
  const [first] = values;
  if (first === undefined) return refuse('selects from an empty table');
  const steps = values.slice(1).map((v, k) => {
    const reached = A.atLeastZero(A.add(index, A.constant(-(k + 1))));
    return A.mul(reached, A.add(v, A.scale(values[k] as E, -1)));
  });
  return A.sum([first, ...steps]);
}

/**
 * A computed index into a dimension of `size`, as ONNX reads it: negative
 * counts from the end. A circuit requires it to be an integer (an ArgMax, a
 * cast, a floor) and within `[−size, size)`; `what` names the operator for
 * the prover's error.
 */
export function indexWithin<E>(A: Algebra<E>, index: E, size: number, what: string): E {
  if (!A.isInteger(index))
    refuse('indexes with a computed value that is not an integer (cast or floor it first)');
  const wrapped = A.add(index, A.scale(A.aboveZero(A.scale(index, -1)), size));
  // Both bounds are constraints of their own; the index itself goes on unchanged.
  A.requireNonPositive(
    A.add(wrapped, A.constant(-(size - 1))),
    `${what} takes indices below ${size}`,
  );
  A.requireNonPositive(A.scale(wrapped, -1), `${what} takes indices from −${size}`);
  return wrapped;
}

/**
 * A reader of row `index` of a dimension of `size`: `pick(at)` gives `at(i)`
 * for the index's row. A constant index (negative counts from the end) is
 * checked once and read directly; a computed one is checked once
 * ({@link indexWithin}) and each pick is a staircase ({@link selectAt}), so
 * reading several columns at one index costs one check.
 */
export function rowAt<E>(
  A: Algebra<E>,
  index: E,
  size: number,
  what: string,
): (at: (row: number) => E) => E {
  const raw = A.valueOf(index);
  if (raw !== undefined) {
    const i = raw < 0 ? raw + size : raw;
    if (!Number.isInteger(i) || i < 0 || i >= size)
      refuse(`index ${raw} is outside a dimension of ${size}`);
    return (at) => at(i);
  }
  const i = indexWithin(A, index, size, what);
  return (at) =>
    selectAt(
      A,
      i,
      Array.from({ length: size }, (_, j) => at(j)),
    );
}

/**
 * The one-hot vector of a computed integer index into a dimension of
 * `size`: entry j is 1 where the index (negative counts from the end) is j,
 * else 0. The index is checked once ({@link indexWithin}); entry j is
 * `[index ≥ j] − [index ≥ j + 1]`, so the cost is one sign per row.
 */
export function oneHotAt<E>(A: Algebra<E>, index: E, size: number, what: string): E[] {
  const i = indexWithin(A, index, size, what);
  const reached = [
    A.constant(1),
    ...Array.from({ length: size - 1 }, (_, k) => A.atLeastZero(A.add(i, A.constant(-(k + 1))))),
    A.constant(0),
  ];
  return Array.from({ length: size }, (_, j) =>
    A.add(reached[j] as E, A.scale(reached[j + 1] as E, -1)),
  );
}
