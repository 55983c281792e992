/**
 * `@mt/subnets/text-generation`: the text-generation subnet. Miners generate
 * with any causal LM through Transformers.js, batched in worker threads;
 * validators score answers with a reward model and measure speed themselves.
 *
 * Needs the optional peers `@huggingface/transformers` and
 * `onnxruntime-node`; without them, creating a role throws
 * `MissingPeerError` with the install line.
 *
 * Its verifiable mode (`VerifiableTextMiner`, `VerifiableTextValidator`)
 * generates with a model small enough to prove and proves each answer's
 * first token; it needs the optional peer `@mt/zkml` instead.
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
export { CharacterVocabulary } from './text/verifiable-text.js';
export {
  VerifiableTextMiner,
  type VerifiableTextMinerOptions,
} from './text/verifiable-text-miner.js';
export {
  VerifiableTextValidator,
  type VerifiableTextValidatorOptions,
} from './text/verifiable-text-validator.js';
export type { ProvenScoreWeights } from './verifiable/verifiable-task.js';
