/**
 * `@mt/zkml`: zero-knowledge proofs of ML inference.
 *
 * ONNX MLPs become fixed-point Circom circuits (weights as constants, or as
 * private inputs bound by a Poseidon commitment), compiled with circom2 and
 * set up with snarkjs (Groth16 or PLONK); proofs are made and checked in
 * worker threads and verify with the snarkjs CLI and the exported Solidity
 * verifier too.
 *
 * @packageDocumentation
 */

/** A proof in transit (from `@mt/protocol`): snarkjs's proof and public signals, the key hash, the decoded outputs. */
export type { Proof, ProofSystem } from '@mt/protocol';
export {
  Circuit,
  circuitFiles,
  type DecodedOutputs,
  type Optimization,
} from './circuit/circuit.js';
export {
  type CircuitMetadata,
  type LayerShape,
  publicSignalCount,
} from './circuit/circuit-metadata.js';
export {
  type CircuitMode,
  type CircuitPlan,
  modelCommitment,
  type PlannedLayer,
  type PlanOptions,
  planCircuit,
} from './circuit/circuit-plan.js';
export { generateCircom } from './circuit/generate-circom.js';
export { FIELD_PRIME, packedPoseidon, poseidon, signedBitsFor } from './circuit/packed-poseidon.js';
export {
  CircuitCompiler,
  type CompiledBuild,
  type CompileModelOptions,
  type ProgressListener,
  templatesDir,
} from './compile/circuit-compiler.js';
export {
  CircuitArtifactMissingError,
  CircuitCompilationError,
  InvalidZkmlInputError,
  MalformedOnnxError,
  ProofGenerationError,
  PtauHashMismatchError,
  TrustedSetupError,
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
export { proofFromBytes, proofFromJson, proofToBytes, proofToJson } from './prove/proof-codec.js';
export { type InferenceProof, type ProofConfig, ProofGenerator } from './prove/proof-generator.js';
export {
  ProofVerifier,
  type RejectionCode,
  type Verdict,
  type VerificationExpectations,
} from './prove/proof-verifier.js';
export {
  evaluateFixedPoint,
  type FixedDenseLayer,
  type FixedPointMlp,
  floorShift,
  measureQuantizationError,
  type QuantizationReport,
  quantizationErrorBound,
  quantizeMlp,
  toFixed,
} from './quantize/fixed-point-mlp.js';
export { exportSolidityVerifier } from './setup/export-verifier.js';
export { HERMEZ_PTAU_BLAKE2B } from './setup/hermez-ptau-hashes.js';
export {
  blake2bOfFile,
  checkPtauFile,
  developmentPtau,
  developmentPtauDir,
  INSECURE_PTAU_WARNING,
  MIN_DEV_PTAU_POWER,
  type PtauFile,
  ptauPower,
} from './setup/powers-of-tau.js';
export {
  optimizationFor,
  readSetup,
  type SetupOptions,
  type SetupRecord,
  setupCircuit,
  verificationKeyHash,
} from './setup/trusted-setup.js';
