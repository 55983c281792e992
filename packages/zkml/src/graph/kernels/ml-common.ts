import type { Algebra } from '../algebra.js';
import { type KernelContext, refuse } from '../kernel.js';
import type { Tensor } from '../tensor.js';
import { selectAt } from './select.js';

// What the ai.onnx.ml kernels share: rows of features, attribute lists, and
// a computed class index mapped to its label.

/** The rows of a [N, F] (or [F]) input, each a list of features. */
export function rowsOf<E>(x: Tensor<E>): E[][] {
  const features = x.dims.at(-1) ?? 1;
  const rows = x.dims.length > 1 ? x.data.length / features : 1;
  return Array.from({ length: rows }, (_, r) => x.data.slice(r * features, (r + 1) * features));
}

/** The FLOATS attribute `name`, or `fallback`; refused when neither. */
export function floatsOf<E>(ctx: KernelContext<E>, name: string, fallback?: number[]): number[] {
  return ctx.floats(name) ?? fallback ?? refuse(`needs the ${name} attribute`);
}

/** The INTS attribute `name`, or `fallback`; refused when neither. */
export function intsOf<E>(ctx: KernelContext<E>, name: string, fallback?: number[]): number[] {
  return ctx.ints(name) ?? fallback ?? refuse(`needs the ${name} attribute`);
}

/** `labels[index]` for a computed index: free when the labels are evenly spaced, else one sign per step. */
export function labelOf<E>(A: Algebra<E>, labels: number[], index: E): E {
  const first = labels[0] ?? 0;
  const step = (labels[1] ?? first) - first;
  if (labels.every((l, k) => l === first + k * step))
    return A.add(A.constant(first), A.scale(index, step));
  return selectAt(
    A,
    index,
    labels.map((l) => A.constant(l)),
  );
}

/**
 * A classifier's `post_transform` on its scores: NONE, SOFTMAX or LOGISTIC
 * (a sigmoid per score); any other is refused.
 */
export function scoreTransform<E>(ctx: KernelContext<E>): (scores: E[]) => E[] {
  const A = ctx.algebra;
  const post = ctx.string('post_transform', 'NONE');
  if (post === 'SOFTMAX') return (scores) => A.softmax(scores);
  if (post === 'LOGISTIC') return (scores) => scores.map((s) => A.smooth(s, 'sigmoid'));
  if (post === 'NONE') return (scores) => scores;
  return refuse(`has post_transform '${post}'`);
}

/** A classifier's two outputs: a label per row, and `width` scores per row. */
export function classifierOutputs<E>(labels: E[], scores: E[], width: number): Tensor<E>[] {
  return [
    { dims: [labels.length], data: labels },
    { dims: [labels.length, width], data: scores },
  ];
}
