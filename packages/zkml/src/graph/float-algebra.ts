import type { Algebra } from './algebra.js';
import { smoothApproximations } from './smooth-functions.js';

/** The largest value, without spreading `values` into arguments (a call takes at most about 10^5). */
const largest = (values: readonly number[]) => values.reduce((m, v) => Math.max(m, v), -Infinity);

/** Float64 arithmetic: the reference a circuit is checked against, and constant folding. */
export const floatAlgebra: Algebra<number> = {
  constant: (value) => value,
  valueOf: (e) => e,
  isInteger: (e) => Number.isInteger(e),
  add: (a, b) => a + b,
  sum: (values) => values.reduce((a, b) => a + b, 0),
  scale: (a, k) => a * k,
  mul: (a, b) => a * b,
  dot(xs, ws, bias) {
    let acc = bias;
    for (let i = 0; i < xs.length; i += 1) acc += (xs[i] ?? 0) * (ws[i] ?? 0);
    return acc;
  },
  relu: (a) => Math.max(a, 0),
  floor: (a) => Math.floor(a),
  max: (a, b) => Math.max(a, b),
  atLeastZero: (a) => (a >= 0 ? 1 : 0),
  aboveZero: (a) => (a > 0 ? 1 : 0),
  argmax(values) {
    let best = 0;
    for (let i = 1; i < values.length; i += 1)
      if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
    return best;
  },
  smooth: (a, fn) => smoothApproximations[fn].exact(a),
  dividePositive: (a, b) => a / b,
  sqrt: (a) => Math.sqrt(a),
  softmax(values) {
    const top = largest(values);
    const exps = values.map((v) => Math.exp(v - top));
    const total = exps.reduce((a, b) => a + b, 0);
    return exps.map((e) => e / total);
  },
  logSoftmax(values) {
    const top = largest(values);
    const log = Math.log(values.reduce((acc, v) => acc + Math.exp(v - top), 0));
    return values.map((v) => v - top - log);
  },
  requireNonPositive: (a) => a,
  within: (a) => a,
};
