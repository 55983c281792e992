/**
 * `@mt/subnets`: ready-made ModernTensor subnets, each as a miner and a
 * validator (the roles of `@mt/protocol`'s `SubnetMiner` and
 * `SubnetValidator`), and the wrappers a real miner wants.
 *
 * @packageDocumentation
 */

export { type EchoValidatorOptions, echoMiner, echoValidator } from './echo/echo-subnet.js';
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
export { observedSpeed } from './speed.js';
export { promptFor, TOPICS } from './text/prompt-templates.js';
export {
  TextGenerationMiner,
  type TextGenerationMinerOptions,
} from './text/text-generation-miner.js';
export {
  type ObservedAnswer,
  TextGenerationValidator,
  type TextGenerationValidatorOptions,
  type TextScoreWeights,
} from './text/text-generation-validator.js';
export type { GeneratedRow, SamplingParams } from './text/text-model-worker.js';
export { type GenerationRequest, TextModels, type TextModelsOptions } from './text/text-models.js';
export {
  VerifiableInferenceMiner,
  type VerifiableInferenceMinerOptions,
} from './verifiable/verifiable-inference-miner.js';
export {
  VerifiableInferenceValidator,
  type VerifiableInferenceValidatorOptions,
} from './verifiable/verifiable-inference-validator.js';
export { SubnetMetrics } from './wrappers/subnet-metrics.js';
export { taskIdentity } from './wrappers/task-identity.js';
export { type CacheOptions, withCache } from './wrappers/with-cache.js';
export { withDeadline } from './wrappers/with-deadline.js';
export { withMetrics } from './wrappers/with-metrics.js';
export { type ResilienceOptions, withResilience } from './wrappers/with-resilience.js';
export { type RetryOptions, withRetry } from './wrappers/with-retry.js';
