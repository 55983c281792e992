/**
 * `@mt/models`: the model registry and experiment tracker of ModernTensor, on
 * an embedded SQLite store with a content-addressed artifact store beside it.
 *
 * - {@link ModelManager}: models, semver versions, aliases, loaders, inference stats.
 * - {@link ExperimentTracker} (as `manager.experiments`): runs, params, metric
 *   history, artifacts, lineage.
 *
 * @packageDocumentation
 */

export { ArtifactStore } from './artifacts/artifact-store.js';
export { type ArtifactDigest, type ArtifactFile, digestOf } from './artifacts/content-hash.js';
export { runModelsCli } from './cli/run-models-cli.js';
export {
  ArtifactTamperedError,
  InvalidModelInputError,
  LoaderUnavailableError,
  MODELS_ERROR_PREFIX,
  ModelError,
  ModelInUseError,
  ModelNotFoundError,
  PathEscapeError,
  StoreCorruptError,
  StoreTooNewError,
} from './errors.js';
export {
  ExperimentTracker,
  type MetricPoint,
  type RunInfo,
  type RunStatus,
} from './experiments/experiment-tracker.js';
export type { ModelLoader } from './loaders/model-loader.js';
export { type OnnxSession, onnxLoader } from './loaders/onnx-loader.js';
export {
  type TransformersModel,
  type TransformersModelClass,
  transformersLoader,
} from './loaders/transformers-loader.js';
export { ModelManager, type ModelManagerOptions } from './manager/model-manager.js';
export type { ModelInfo, ModelRegistration, ModelVersionInfo } from './manager/types.js';
