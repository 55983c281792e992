/**
 * `@mt/zkml`: zero-knowledge proofs of ML inference.
 *
 * In this release: reading MLPs from ONNX with typed errors, fixed-point
 * quantisation with an error report, the exact fixed-point evaluation the
 * circuits will mirror, and the digits model (trained on real MNIST, exported
 * as ONNX). Circuits, trusted setup, proving and verification come next.
 *
 * @packageDocumentation
 */

export { exportMlpToOnnx } from './digits/export-onnx.js';
export { accuracy, type LabelledSet, type TrainOptions, trainMlp } from './digits/train-mlp.js';
export {
  InvalidZkmlInputError,
  MalformedOnnxError,
  UnsupportedOnnxOpError,
  ZKML_ERROR_PREFIX,
  ZkmlError,
} from './errors.js';
export {
  argmax,
  type DenseLayer,
  evaluateMlp,
  type Mlp,
  type MlpLayer,
  type ReluLayer,
} from './onnx/mlp.js';
export { parseOnnxMlp } from './onnx/parse-onnx.js';
export {
  evaluateFixedPoint,
  type FixedDenseLayer,
  type FixedPointMlp,
  floorShift,
  measureQuantizationError,
  type QuantizationReport,
  quantizeMlp,
  toFixed,
} from './quantize/fixed-point-mlp.js';
