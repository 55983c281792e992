/**
 * `@mt/testing` (private, never published): the models and data the tests,
 * benchmarks and the demo generate for themselves, offline and
 * deterministically. Users point the packages at real models instead.
 *
 * - {@link GraphBuilder}: the one ONNX graph builder, under every fixture here.
 * - {@link makeModels}: a tiny GPT-2 (real GPT-2 tokenizer) and a reward model.
 * - {@link trainMlp}, {@link exportMlpToOnnx}, {@link loadMnist}: a digits MLP
 *   trained on real MNIST samples, exported as PyTorch would.
 * - {@link runOnnx}: onnxruntime as the reference an MLP's answers are checked against.
 *
 * @packageDocumentation
 */

export { FixtureError } from './errors.js';
export type { LabelledSet, Mlp } from './mlp/mlp.js';
export { loadMnist } from './mlp/mnist.js';
export { sampleInputs, smallMlp } from './mlp/small-mlp.js';
export { accuracy, type TrainOptions, trainMlp } from './mlp/train-mlp.js';
export { exportMlpToOnnx } from './onnx/export-mlp.js';
export {
  type Attribute,
  FLOAT,
  GraphBuilder,
  INT64,
  ML_DOMAIN,
  seededNormal,
} from './onnx/graph-builder.js';
export { type FloatTensor, runOnnx, runOnnxModel } from './onnx/run-onnx.js';
export {
  branchChain,
  forestVotes,
  handWrittenTree,
  type TreeNodeSpec,
  treeEnsemble,
} from './onnx/tree-ensemble.js';
export { writeLinearOnnx } from './onnx/write-linear-onnx.js';
export { generatedModelNames, makeModels } from './text/make-models.js';
export { type NanoGptOptions, nanoGptOnnx } from './text/nano-gpt.js';
export {
  tinyBertEmbedding,
  tinyBertHidden,
  tinyBertVocab,
  writeTinyBert,
} from './text/write-tiny-bert.js';
export { type TinyGpt2Options, writeTinyGpt2 } from './text/write-tiny-gpt2.js';
export {
  type TinyRewardModelOptions,
  writeTinyRewardModel,
} from './text/write-tiny-reward-model.js';
