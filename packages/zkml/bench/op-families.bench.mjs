// @mt/zkml benchmark: which op families each generated model needs, what its
// circuit costs, and how far the proved outputs may and do lie from
// onnxruntime's on seeded inputs.
//   pnpm --filter @mt/zkml bench:ops     (compiles only: no ptau, no setup)
// Every figure comes from this run; the run stops before printing any if a
// model fails to compile or an output leaves its stated bound.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitCompiler, decodeOnnxGraph, lowerGraph } from '../dist/index.js';
import { checkAgainstOnnxruntime, constraints } from './bench-helpers.mjs';
import {
  decisionTree,
  geluMlp,
  gradientBoosting,
  logisticRegression,
  lstmClassifier,
  mnistCnn,
  mobileBlock,
  randomForest,
  sequenceDetector,
  topThree,
  upsamplingHead,
} from './bench-models.mjs';

const families = {
  dense: ['Gemm', 'MatMul'],
  convolution: ['Conv', 'ConvTranspose'],
  pooling: ['MaxPool', 'AveragePool', 'GlobalMaxPool', 'GlobalAveragePool'],
  normalisation: ['BatchNormalization', 'LayerNormalization', 'InstanceNormalization'],
  'piecewise-linear': ['Relu', 'LeakyRelu', 'PRelu', 'Clip', 'HardSigmoid', 'HardSwish', 'Abs'],
  'smooth (approximated)': [
    'Sigmoid',
    'Tanh',
    'Erf',
    'Exp',
    'Softmax',
    'LogSoftmax',
    'Softplus',
    'Mish',
    'Elu',
    'Celu',
    'Selu',
  ],
  'roots and rounding': ['Sqrt', 'Reciprocal', 'Pow', 'Floor', 'Ceil', 'Round'],
  recurrent: ['RNN', 'GRU', 'LSTM'],
  arithmetic: ['Add', 'Sub', 'Mul', 'Div', 'Neg', 'Sum', 'Max', 'Min'],
  'comparison / logic': [
    'Greater',
    'Less',
    'GreaterOrEqual',
    'LessOrEqual',
    'And',
    'Or',
    'Not',
    'Where',
    'ArgMax',
    'Equal',
    'TopK',
  ],
  resampling: ['Resize'],
  'shape / constants': [
    'Reshape',
    'Flatten',
    'Transpose',
    'Squeeze',
    'Unsqueeze',
    'Concat',
    'Slice',
    'Gather',
    'Shape',
    'Constant',
    'Cast',
    'Identity',
    'Pad',
    'Expand',
    'Tile',
    'Split',
    'Trilu',
  ],
  reduction: ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSumSquare', 'ReduceL2'],
  'traditional ML (ai.onnx.ml)': [
    'Scaler',
    'LinearRegressor',
    'LinearClassifier',
    'TreeEnsembleRegressor',
    'TreeEnsembleClassifier',
  ],
};

// BENCH_QUICK=1 (CI's check that the command still runs): the four smallest models.
const QUICK = process.env.BENCH_QUICK === '1';
const allModels = {
  'MNIST CNN': mnistCnn(),
  'MobileNet-style block + Softmax': mobileBlock(),
  'GELU MLP + Softmax': geluMlp(),
  '1-D conv sequence detector': sequenceDetector(),
  'LSTM (4 steps) + LayerNorm + Softmax': lstmClassifier(),
  'segmentation head (Conv, ReLU, Resize ×2 linear, Conv)': upsamplingHead(),
  'top 3 of a classifier (Gemm, TopK)': topThree(),
  'decision tree (comparisons, Where)': decisionTree(),
  'random forest, sklearn-onnx (Scaler, TreeEnsembleClassifier: 10 trees, depth 4, 3 classes)':
    randomForest(),
  'gradient boosting, sklearn-onnx (20 trees, depth 3, binary, LOGISTIC)': gradientBoosting(),
  'logistic regression, sklearn-onnx (Scaler, LinearClassifier, SOFTMAX, 4 classes)':
    logisticRegression(),
};
const models = QUICK
  ? Object.fromEntries(
      Object.entries(allModels).filter(([name]) =>
        /decision tree|logistic|sequence|top 3/.test(name),
      ),
    )
  : allModels;

const inputBits = 10;
const scaleBits = 8;
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-ops-'));
const compiler = new CircuitCompiler({ onProgress: () => {} });
const rows = [];
for (const [name, bytes] of Object.entries(models)) {
  const graph = decodeOnnxGraph(bytes);
  const ops = new Set(graph.nodes.map((n) => n.op));
  const used = Object.entries(families)
    .filter(([, list]) => list.some((op) => ops.has(op)))
    .map(([family]) => family);
  const circuit = await compiler.compileModel(bytes, join(work, name.replace(/\W+/g, '-')), {
    inputBits,
    scaleBits,
  });
  const program = lowerGraph(graph, { inputBits, scaleBits });
  const { stated, measured } = await checkAgainstOnnxruntime(name, bytes, graph, program, {
    seeds: 5,
    scaleBits,
    inputBits,
  });
  rows.push(
    `| ${name} | ${used.join(', ')} | ${circuit.metadata.steps} | ${constraints(circuit.build('O2').r1cs)} | ${stated.toFixed(4)} | ${measured.toFixed(4)} |`,
  );
}

console.log(
  `Op families, cost and error per model (public mode, scale 2^${scaleBits}, ${inputBits}-bit inputs; error against onnxruntime on 5 seeded inputs):\n`,
);
console.log(
  '| model | op families | constrained steps | R1CS constraints | largest stated bound | largest measured error |\n|---|---|---|---|---|---|',
);
for (const row of rows) console.log(row);
