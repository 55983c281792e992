/**
 * `@mt/subnets/verifiable-inference`: the verifiable-inference subnet. Miners
 * prove each answer of a committed ONNX model with `@mt/zkml`; validators
 * check the proof against the task's own input and score it.
 *
 * Needs the optional peer `@mt/zkml`; without it, creating a role throws
 * `MissingPeerError` with the install line.
 *
 * @packageDocumentation
 */

export {
  VerifiableInferenceMiner,
  type VerifiableInferenceMinerOptions,
} from './verifiable/verifiable-inference-miner.js';
export {
  VerifiableInferenceValidator,
  type VerifiableInferenceValidatorOptions,
} from './verifiable/verifiable-inference-validator.js';
export type { ProvenScoreWeights } from './verifiable/verifiable-task.js';
