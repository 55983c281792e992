import type { Algebra } from '../algebra.js';
import { type Kernel, type KernelContext, refuse } from '../kernel.js';
import type { Tensor } from '../tensor.js';
import { sub } from './elementwise.js';
import { classifierOutputs, floatsOf, labelOf, rowsOf, scoreTransform } from './ml-common.js';

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

/**
 * One row's `coefficients · row + intercept` per target, after checking
 * there are as many coefficients as targets × features.
 */
function linearScores<E>(
  A: Algebra<E>,
  row: E[],
  coefficients: number[],
  intercepts: number[],
): E[] {
  const features = row.length;
  if (coefficients.length !== intercepts.length * features)
    refuse(
      `has ${coefficients.length} coefficients for ${intercepts.length} targets of ${features} features`,
    );
  return intercepts.map((b, k) =>
    A.dot(
      row,
      coefficients.slice(k * features, (k + 1) * features).map((c) => A.constant(c)),
      A.constant(b),
    ),
  );
}

/** `X · coefficientsᵀ + intercepts`, `targets` outputs per row. */
const linearRegressor: Kernel = (ctx) => {
  if (ctx.string('post_transform', 'NONE') !== 'NONE')
    refuse('only post_transform NONE is supported');
  const targets = ctx.int('targets', 1);
  const coefficients = floatsOf(ctx, 'coefficients');
  const intercepts = floatsOf(ctx, 'intercepts', new Array(targets).fill(0));
  if (intercepts.length !== targets)
    refuse(`has ${intercepts.length} intercepts for ${targets} targets`);
  const rows = rowsOf(ctx.input(0));
  const data = rows.flatMap((row) => linearScores(ctx.algebra, row, coefficients, intercepts));
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
  const transform = scoreTransform(ctx);
  const coefficients = floatsOf(ctx, 'coefficients');
  const intercepts = floatsOf(ctx, 'intercepts');
  const classes = intercepts.length;
  if (classes > 1 && labels.length !== classes)
    refuse(`has ${labels.length} labels for ${classes} classes`);
  const twoColumns = classes === 1 && labels.length === 2;
  const outLabels: E[] = [];
  const outScores: E[] = [];
  for (const row of rowsOf(ctx.input(0))) {
    const scores = linearScores(A, row, coefficients, intercepts);
    if (classes > 1) {
      outLabels.push(labelOf(A, labels, A.argmax(scores)));
      for (const score of transform(scores)) outScores.push(score);
      continue;
    }
    const [s = A.constant(0)] = scores;
    outLabels.push(labelOf(A, twoColumns ? labels : [0, 1], A.aboveZero(s)));
    const [p = s] = transform([s]);
    if (twoColumns) outScores.push(sub(A, A.constant(1), p), p);
    else outScores.push(p);
  }
  return classifierOutputs(outLabels, outScores, twoColumns ? 2 : classes);
}

/** Scaler, LinearRegressor and LinearClassifier. */
export const mlLinearKernels: Record<string, Kernel> = {
  Scaler: scaler,
  LinearRegressor: linearRegressor,
  LinearClassifier: linearClassifier,
};
