/**
 * `@mt/subnets/verifiable-text`: the verifiable mode of the text-generation
 * subnet. Miners generate with a causal LM small enough to prove (a
 * nanoGPT-shaped ONNX compiled by `@mt/zkml`) and its own tokenizer, and
 * prove each answer's first token; validators check the proof against the
 * prompt's own tokens and the model commitment.
 *
 * Needs the optional peer `@mt/zkml` (not Transformers.js); without it,
 * creating a role throws `MissingPeerError` with the install line.
 *
 * @packageDocumentation
 */

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
