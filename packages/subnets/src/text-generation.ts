/**
 * `@mt/subnets/text-generation`: the text-generation subnet. Miners generate
 * with any causal LM through Transformers.js, batched in worker threads;
 * validators score answers with a reward model and measure speed themselves.
 *
 * Needs the optional peers `@huggingface/transformers` and
 * `onnxruntime-node`; without them, creating a role throws
 * `MissingPeerError` with the install line.
 *
 * Its verifiable mode, which needs `@mt/zkml` instead, has its own entry:
 * `@mt/subnets/verifiable-text`.
 *
 * @packageDocumentation
 */

export { promptFor, TOPICS } from './text/prompt-templates.js';
export {
  type ModelRegistrar,
  TextGenerationMiner,
  type TextGenerationMinerOptions,
} from './text/text-generation-miner.js';
export {
  DEFAULT_TEXT_SCORE_WEIGHTS,
  type ObservedAnswer,
  TextGenerationValidator,
  type TextGenerationValidatorOptions,
  type TextScoreWeights,
} from './text/text-generation-validator.js';
export type { GeneratedRow, SamplingParams } from './text/text-model-worker.js';
export { type GenerationRequest, TextModels, type TextModelsOptions } from './text/text-models.js';
