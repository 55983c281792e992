/**
 * `@mt/subnets`: ready-made ModernTensor subnets.
 *
 * @packageDocumentation
 */

export { BaseSubnet, type BaseSubnetOptions } from './base/base-subnet.js';
export { SubnetMetrics } from './base/subnet-metrics.js';
export { taskIdentity } from './base/task-identity.js';
export {
  InvalidSubnetInputError,
  ModelLoadError,
  SUBNETS_ERROR_PREFIX,
  SubnetError,
  TransientSubnetError,
} from './errors.js';
export { generatedModelNames, makeModels } from './models/make-models.js';
export { type TinyGpt2Options, writeTinyGpt2 } from './models/write-tiny-gpt2.js';
export {
  type TinyRewardModelOptions,
  writeTinyRewardModel,
} from './models/write-tiny-reward-model.js';
export { promptFor, TOPICS } from './text/prompt-templates.js';
export {
  TextGenerationSubnet,
  type TextGenerationSubnetOptions,
  type TextScoreWeights,
} from './text/text-generation-subnet.js';
export type { GeneratedRow, SamplingParams } from './text/text-model-worker.js';
export { type GenerationRequest, TextModels, type TextModelsOptions } from './text/text-models.js';
export {
  type ProofCheck,
  VerifiableInferenceSubnet,
  type VerifiableInferenceSubnetOptions,
} from './verifiable/verifiable-inference-subnet.js';
