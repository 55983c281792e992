// The generated models the @mt/zkml benchmarks share, each the shape a
// PyTorch or sklearn-onnx export of that kind has. Weights are seeded and
// He-initialised: a circuit's cost does not depend on their values.
import { FLOAT, forestVotes, GraphBuilder, seededNormal, treeEnsemble } from '@mt/testing';

const sizeOf = (dims) => dims.reduce((a, b) => a * b, 1);

function builder(seed) {
  const g = new GraphBuilder();
  const normal = seededNormal(seed);
  const w = (dims, fanIn) =>
    g.f32(
      dims,
      Float32Array.from({ length: sizeOf(dims) }, () => normal(Math.sqrt(2 / fanIn))),
    );
  return { g, w };
}

/** Multiply-accumulates of {@link mnistCnn}. */
export const CNN_MACS = 12 * 12 * 4 * 25 + 4 * 4 * 8 * 100 + 128 * 32 + 32 * 10;

/** Conv 4@5×5/2 → ReLU → Conv 8@5×5/2 → ReLU → Flatten → Gemm 128→32 → ReLU → Gemm 32→10, on 1×28×28. */
export function mnistCnn() {
  const { g, w } = builder(28);
  const x = g.input('x', FLOAT, ['N', 1, 28, 28]);
  const c1 = g.op('Relu', [
    g.op('Conv', [x, w([4, 1, 5, 5], 25), w([4], 25)], { strides: [2, 2] }),
  ]);
  const c2 = g.op('Relu', [
    g.op('Conv', [c1, w([8, 4, 5, 5], 100), w([8], 100)], { strides: [2, 2] }),
  ]);
  const d1 = g.op('Relu', [
    g.op('Gemm', [g.op('Flatten', [c2]), w([32, 128], 128), w([32], 128)], { transB: 1 }),
  ]);
  const logits = g.op('Gemm', [d1, w([10, 32], 32), w([10], 32)], { transB: 1 });
  g.output('logits', logits, FLOAT, ['N', 10]);
  return g.encode('mnist-cnn');
}

/** LeNet-5's widths: the two convolutions' channels and the two hidden dense layers'. */
export const LENET_WIDTHS = { c1: 6, c2: 16, f1: 120, f2: 84 };

/** Multiply-accumulates of {@link lenet5} at `widths`. */
export function lenetMacs({ c1, c2, f1, f2 } = LENET_WIDTHS) {
  return 28 * 28 * c1 * 25 + 10 * 10 * c2 * 25 * c1 + 25 * c2 * f1 + f1 * f2 + f2 * 10;
}

/** Multiply-accumulates of {@link lenet5}. */
export const LENET_MACS = lenetMacs();

/**
 * LeNet-5 as PyTorch ports write it: Conv 6@5×5 (padded) → ReLU → AvgPool 2
 * → Conv 16@5×5 → ReLU → AvgPool 2 → Flatten → Gemm 400→120 → ReLU → Gemm
 * 120→84 → ReLU → Gemm 84→10, on 1×28×28 (other `widths`: the same layers,
 * narrower).
 */
export function lenet5({ c1, c2, f1, f2 } = LENET_WIDTHS) {
  const { g, w } = builder(5);
  const x = g.input('x', FLOAT, [1, 1, 28, 28]);
  const pool = (v) => g.op('AveragePool', [v], { kernel_shape: [2, 2], strides: [2, 2] });
  const conv1 = g.op('Conv', [x, w([c1, 1, 5, 5], 25), w([c1], 25)], { pads: [2, 2, 2, 2] });
  const s1 = pool(g.op('Relu', [conv1]));
  const s2 = pool(g.op('Relu', [g.op('Conv', [s1, w([c2, c1, 5, 5], 25 * c1), w([c2], 25 * c1)])]));
  const dense = (v, inputs, outputs) =>
    g.op('Gemm', [v, w([outputs, inputs], inputs), w([outputs], inputs)], { transB: 1 });
  const h1 = g.op('Relu', [dense(g.op('Flatten', [s2]), 25 * c2, f1)]);
  const h2 = g.op('Relu', [dense(h1, f1, f2)]);
  g.output('logits', dense(h2, f2, 10), FLOAT, [1, 10]);
  return g.encode('lenet-5');
}

/** A MobileNet-style block: Conv+BatchNorm+HardSwish, a depthwise Conv+BatchNorm+ReLU, global pooling, a classifier with Softmax, on 1×3×12×12. */
export function mobileBlock() {
  const { g, w } = builder(31);
  const bn = (x, c) =>
    g.op('BatchNormalization', [
      x,
      w([c], 2),
      w([c], 1),
      w([c], 1),
      g.f32([c], new Float32Array(c).fill(1.5)),
    ]);
  const x = g.input('x', FLOAT, [1, 3, 12, 12]);
  const expand = g.op('HardSwish', [
    bn(g.op('Conv', [x, w([8, 3, 3, 3], 27)], { pads: [1, 1, 1, 1] }), 8),
  ]);
  const depthwise = g.op('Relu', [
    bn(
      g.op('Conv', [expand, w([8, 1, 3, 3], 9)], { group: 8, strides: [2, 2], pads: [1, 1, 1, 1] }),
      8,
    ),
  ]);
  const pooled = g.op('Flatten', [g.op('GlobalAveragePool', [depthwise])]);
  const logits = g.op('Gemm', [pooled, w([5, 8], 8), w([5], 8)], { transB: 1 });
  g.output('probabilities', g.op('Softmax', [logits]), FLOAT, [1, 5]);
  return g.encode('mobile-block');
}

/** A transformer-style MLP as PyTorch exports GELU (x · ½ · (1 + erf(x / √2))), then Softmax: 16 → 24 → 4. */
export function geluMlp() {
  const { g, w } = builder(33);
  const x = g.input('x', FLOAT, [1, 16]);
  const h = g.op('Add', [g.op('MatMul', [x, w([16, 24], 16)]), w([24], 16)]);
  const erf = g.op('Erf', [g.op('Div', [h, g.scalar(Math.SQRT2)])]);
  const gelu = g.op('Mul', [g.op('Mul', [h, g.op('Add', [erf, g.scalar(1)])]), g.scalar(0.5)]);
  const logits = g.op('Add', [g.op('MatMul', [gelu, w([24, 4], 24)]), w([4], 24)]);
  g.output('probabilities', g.op('Softmax', [logits]), FLOAT, [1, 4]);
  return g.encode('gelu-mlp');
}

/** A 1-D convolution over a sequence, max pooling, a Tanh, a mean and a Sigmoid score (a time-series detector), on 1×2×32. */
export function sequenceDetector() {
  const { g, w } = builder(35);
  const x = g.input('x', FLOAT, [1, 2, 32]);
  const conv = g.op('Conv', [x, w([4, 2, 5], 10), w([4], 10)], { pads: [2, 2] });
  const pooled = g.op('MaxPool', [g.op('Tanh', [conv])], { kernel_shape: [4], strides: [4] });
  const mean = g.op('ReduceMean', [pooled], { axes: [2], keepdims: 0 });
  const score = g.op('Gemm', [mean, w([1, 4], 4), w([1], 4)], { transB: 1 });
  g.output('score', g.op('Sigmoid', [score]), FLOAT, [1, 1]);
  return g.encode('sequence-detector');
}

/** A segmentation head: Conv 2@3×3 → ReLU → Resize ×2 (linear, half-pixel) → Conv 1@1×1, on 1×1×4×4. */
export function upsamplingHead() {
  const { g, w } = builder(41);
  const x = g.input('x', FLOAT, [1, 1, 4, 4]);
  const features = g.op('Relu', [
    g.op('Conv', [x, w([2, 1, 3, 3], 9), w([2], 9)], { pads: [1, 1, 1, 1] }),
  ]);
  const up = g.op(
    'Resize',
    [features, g.f32([0], new Float32Array(0)), g.f32([4], Float32Array.from([1, 1, 2, 2]))],
    {
      mode: { string: 'linear' },
    },
  );
  g.output('mask', g.op('Conv', [up, w([1, 2, 1, 1], 2), w([1], 2)]), FLOAT, [1, 1, 8, 8]);
  return g.encode('upsampling-head');
}

/** A classifier's top 3: Gemm 16→10, then TopK's values and (cast) indices. */
export function topThree() {
  const { g, w } = builder(43);
  const x = g.input('x', FLOAT, [1, 16]);
  const logits = g.op('Gemm', [x, w([10, 16], 16), w([10], 16)], { transB: 1 });
  const [values, indices] = g.opMulti('TopK', [logits, g.i64([3])], 2, { axis: 1 });
  g.output('values', values, FLOAT, [1, 3]);
  g.output('indices', g.op('Cast', [indices], { to: 1 }), FLOAT, [1, 3]);
  return g.encode('top-three');
}

/** An LSTM over 4 steps of 2 features (hidden 4), its last state LayerNorm-ed, then a Softmax over 3 classes. */
export function lstmClassifier() {
  const { g, w } = builder(37);
  const x = g.input('x', FLOAT, [1, 8]);
  const steps = g.op('Reshape', [x, g.i64([4, 1, 2])]);
  const [, last = ''] = g.opMulti(
    'LSTM',
    [steps, w([1, 16, 2], 2), w([1, 16, 4], 4), w([1, 32], 4)],
    2,
    { hidden_size: 4 },
  );
  const state = g.op('Reshape', [last, g.i64([1, 4])]);
  const normed = g.op('LayerNormalization', [state, w([4], 1), w([4], 1)], { axis: -1 });
  const logits = g.op('Gemm', [normed, w([3, 4], 4), w([3], 4)], { transB: 1 });
  g.output('probabilities', g.op('Softmax', [logits]), FLOAT, [1, 3]);
  return g.encode('lstm-classifier');
}

/**
 * A random forest as sklearn-onnx writes one (ai.onnx.ml): a StandardScaler
 * (`Scaler`), then `trees` trees of depth `depth` (10 of depth 4 unless
 * told) voting over 3 classes, on 8 features.
 */
export function randomForest(trees = 10, depth = 4) {
  const g = new GraphBuilder();
  const x = g.input('x', FLOAT, [1, 8]);
  const [scaled = ''] = g.mlOp('Scaler', [x], 1, {
    offset: { floats: [0.1, -0.2, 0.3, 0, 0.5, -0.1, 0.2, 0] },
    scale: { floats: [1.2, 0.8, 1, 1.5, 0.9, 1.1, 0.7, 1] },
  });
  const [label = '', probabilities = ''] = g.mlOp('TreeEnsembleClassifier', [scaled], 2, {
    ...treeEnsemble(trees, depth, 8, 'class', forestVotes(3, trees), 37),
    classlabels_int64s: [0, 1, 2],
  });
  g.classifierOutputs(label, probabilities, 3);
  return g.encode('random-forest');
}

/** A StandardScaler and a multinomial LogisticRegression as sklearn-onnx writes them (Scaler, LinearClassifier with SOFTMAX), 10 features, 4 classes. */
export function logisticRegression() {
  const g = new GraphBuilder();
  const normal = seededNormal(41);
  const x = g.input('x', FLOAT, [1, 10]);
  const [scaled = ''] = g.mlOp('Scaler', [x], 1, {
    offset: { floats: Array.from({ length: 10 }, () => normal(0.3)) },
    scale: { floats: Array.from({ length: 10 }, () => 0.5 + Math.abs(normal(0.5))) },
  });
  const [label = '', probabilities = ''] = g.mlOp('LinearClassifier', [scaled], 2, {
    coefficients: { floats: Array.from({ length: 40 }, () => normal(0.7)) },
    intercepts: { floats: Array.from({ length: 4 }, () => normal(0.2)) },
    classlabels_ints: [0, 1, 2, 3],
    post_transform: { string: 'SOFTMAX' },
    multi_class: 1,
  });
  g.classifierOutputs(label, probabilities, 4);
  return g.encode('logistic-regression');
}

/** Binary gradient boosting as sklearn-onnx writes it: 20 trees of depth 3, mixed leaf weights, a base value, LOGISTIC, on 6 features. */
export function gradientBoosting() {
  const g = new GraphBuilder();
  const x = g.input('x', FLOAT, [1, 6]);
  const [label = '', probabilities = ''] = g.mlOp('TreeEnsembleClassifier', [x], 2, {
    ...treeEnsemble(20, 3, 6, 'class', (normal) => [[0, normal(0.3)]], 39),
    classlabels_int64s: [0, 1],
    post_transform: { string: 'LOGISTIC' },
    base_values: { floats: [0.2] },
  });
  g.classifierOutputs(label, probabilities, 2);
  return g.encode('gradient-boosting');
}

/** A depth-2 decision tree as comparisons and Where (how a tree exported as plain ONNX reads), on 3 features. */
export function decisionTree() {
  const g = new GraphBuilder();
  const x = g.input('x', FLOAT, [1, 3]);
  const feature = (k) => g.op('Gather', [x, g.i64([k], [])], { axis: 1 });
  const left = g.op('Less', [feature(0), g.scalar(0.25)]);
  const deep = g.op('And', [
    g.op('Not', [left]),
    g.op('GreaterOrEqual', [feature(2), g.scalar(-0.5)]),
  ]);
  const leaf = g.op('Where', [left, g.scalar(1.5), g.scalar(-0.5)]);
  g.output('score', g.op('Where', [deep, g.scalar(2), leaf]), FLOAT, [1]);
  return g.encode('decision-tree');
}
