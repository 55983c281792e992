import { type Kernel, type KernelContext, refuse } from '../kernel.js';
import type { Tensor } from '../tensor.js';
import { sub } from './elementwise.js';
import { floatsOf, labelOf, rowsOf } from './ml-common.js';

// sklearn-onnx's scalers and linear models (ai.onnx.ml), as onnxruntime
// computes them: a multiply-accumulate with constant weights costs nothing.

/** `(x − offset) · scale` per feature (a StandardScaler or MinMaxScaler). */
const scaler: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const offset = floatsOf(ctx, 'offset', [0]);
  const scale = floatsOf(ctx, 'scale', [1]);
  const features = x.dims.at(-1) ?? 1;
  const pick = (list: number[], f: number) =>
    list.length === 1
      ? (list[0] ?? 0)
      : (list[f] ?? refuse(`has ${list.length} values for ${features} features`));
  return [
    {
      dims: x.dims,
      data: x.data.map((v, i) =>
        A.scale(A.add(v, A.constant(-pick(offset, i % features))), pick(scale, i % features)),
      ),
    },
  ];
};

/** `X · coefficientsᵀ + intercepts`, `targets` outputs per row. */
const linearRegressor: Kernel = (ctx) => {
  const A = ctx.algebra;
  if (ctx.string('post_transform', 'NONE') !== 'NONE')
    refuse('only post_transform NONE is supported');
  const targets = ctx.int('targets', 1);
  const coefficients = floatsOf(ctx, 'coefficients');
  const intercepts = floatsOf(ctx, 'intercepts', new Array(targets).fill(0));
  const rows = rowsOf(ctx.input(0));
  const features = rows[0]?.length ?? 0;
  if (coefficients.length !== targets * features)
    refuse(
      `has ${coefficients.length} coefficients for ${targets} targets of ${features} features`,
    );
  const data = rows.flatMap((row) =>
    Array.from({ length: targets }, (_, t) =>
      A.dot(
        row,
        coefficients.slice(t * features, (t + 1) * features).map((c) => A.constant(c)),
        A.constant(intercepts[t] ?? 0),
      ),
    ),
  );
  return [{ dims: [rows.length, targets], data }];
};

/**
 * `X · coefficientsᵀ + intercepts`, labelled as onnxruntime labels it (a
 * LogisticRegression or a linear SVM). Several classes: the label of the
 * first largest score, and the scores through NONE, SOFTMAX or LOGISTIC.
 * One score s: label 1 (or the second of two labels) when s > 0; with two
 * labels the scores are [1 − p, p] for p = s, or σ(s) under LOGISTIC.
 */
function linearClassifier<E>(ctx: KernelContext<E>): Tensor<E>[] {
  const A = ctx.algebra;
  if (ctx.strings('classlabels_strings'))
    refuse('string class labels are not supported; use classlabels_ints');
  const labels = ctx.ints('classlabels_ints') ?? [];
  const post = ctx.string('post_transform', 'NONE');
  if (!['NONE', 'SOFTMAX', 'LOGISTIC'].includes(post)) refuse(`has post_transform '${post}'`);
  const coefficients = floatsOf(ctx, 'coefficients');
  const intercepts = floatsOf(ctx, 'intercepts');
  const classes = intercepts.length;
  const rows = rowsOf(ctx.input(0));
  const features = rows[0]?.length ?? 0;
  if (coefficients.length !== classes * features)
    refuse(
      `has ${coefficients.length} coefficients for ${classes} classes of ${features} features`,
    );
  if (classes > 1 && labels.length !== classes)
    refuse(`has ${labels.length} labels for ${classes} classes`);
  const transform = (scores: E[]) =>
    post === 'SOFTMAX'
      ? A.softmax(scores)
      : post === 'LOGISTIC'
        ? scores.map((v) => A.smooth(v, 'sigmoid'))
        : scores;
  const outLabels: E[] = [];
  const outScores: E[] = [];
  for (const row of rows) {
    const scores = intercepts.map((b, k) =>
      A.dot(
        row,
        coefficients.slice(k * features, (k + 1) * features).map((c) => A.constant(c)),
        A.constant(b),
      ),
    );
    if (classes > 1) {
      outLabels.push(labelOf(A, labels, A.argmax(scores)));
      outScores.push(...transform(scores));
      continue;
    }
    const [s = A.constant(0)] = scores;
    const [negative, positive] = labels.length === 2 ? labels : [0, 1];
    outLabels.push(labelOf(A, [negative ?? 0, positive ?? 1], A.aboveZero(s)));
    const [p = s] = transform([s]);
    outScores.push(...(labels.length === 2 ? [sub(A, A.constant(1), p), p] : [p]));
  }
  const width = classes === 1 && labels.length === 2 ? 2 : classes;
  return [
    { dims: [rows.length], data: outLabels },
    { dims: [rows.length, width], data: outScores },
  ];
}

/** Scaler, LinearRegressor and LinearClassifier. */
export const mlLinearKernels: Record<string, Kernel> = {
  Scaler: scaler,
  LinearRegressor: linearRegressor,
  LinearClassifier: linearClassifier,
};
