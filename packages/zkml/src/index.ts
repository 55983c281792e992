/**
 * `@mt/zkml`: zero-knowledge proofs of ML inference.
 *
 * ONNX models (convolutions, pooling, dense layers, activations, DAGs, the
 * comparisons of decision trees) are lowered to fixed-point Circom circuits
 * (weights as constants, or as private inputs bound by a salted Poseidon
 * commitment), compiled with circom2 and
 * set up with snarkjs (Groth16 or PLONK); proofs are made and checked in
 * worker threads and verify with the snarkjs CLI and the exported Solidity
 * verifier too.
 *
 * This entry is what a prover, a verifier and a subnet use; the compiler's
 * own parts (the lowering algebra, the program's steps, the field, the
 * Circom generator) are in `@mt/zkml/internal`, with no stability promise.
 *
 * @packageDocumentation
 */

/** A proof in transit (from `@mt/protocol`): snarkjs's proof and public signals, the key hash, the decoded outputs. */
export type { Proof, ProofSystem } from '@mt/protocol';
export { Circuit, type Optimization, type PrivateWeights } from './circuit/circuit.js';
export { CircuitDescription, type DecodedOutputs } from './circuit/circuit-description.js';
export type {
  CircuitMetadata,
  PrivateTensorShape,
  TensorShape,
} from './circuit/circuit-metadata.js';
export {
  CIRCOM2_MAX_R1CS_TERMS,
  CIRCOM2_MAX_TERMS,
  CircuitCompiler,
  type CompiledBuild,
  type CompileModelOptions,
  DEFAULT_MAX_CONSTRAINTS,
  type ProgressListener,
} from './compile/circuit-compiler.js';
export {
  CircuitArtifactMissingError,
  CircuitCompilationError,
  CircuitTooLargeError,
  InvalidZkmlInputError,
  MalformedOnnxError,
  ProofGenerationError,
  PtauHashMismatchError,
  TrustedSetupError,
  type UnsupportedNode,
  UnsupportedOnnxOpError,
  ZKML_ERROR_PREFIX,
  ZkmlError,
} from './errors.js';
export { supportedOps } from './graph/run-graph.js';
export { approximationBound } from './graph/smooth-functions.js';
export type { Tensor } from './graph/tensor.js';
export { evaluateProgram, type ProgramResult } from './lower/evaluate-program.js';
export { type CircuitMode, type LowerOptions, lowerGraph } from './lower/lower-graph.js';
export type { FixedPointProgram, ProgramInput, ProgramOutput } from './lower/program.js';
export { type InputEncoding, quantizeInput } from './lower/quantize-input.js';
export {
  argmax,
  type DenseLayer,
  evaluateMlp,
  type Mlp,
  type MlpLayer,
  type ReluLayer,
} from './onnx/mlp.js';
export {
  type ConstantTensor,
  decodeOnnxGraph,
  type ElementKind,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxLimits,
  type OnnxNode,
  type OnnxValue,
} from './onnx/onnx-graph.js';
export type {
  RejectionCode,
  Verdict,
  VerificationExpectations,
  VerificationKey,
} from './prove/check-proof.js';
export {
  canonicalProof,
  proofFromBytes,
  proofFromJson,
  proofToBytes,
  proofToJson,
} from './prove/proof-codec.js';
export { type InferenceProof, type ProofConfig, ProofGenerator } from './prove/proof-generator.js';
export { ProofVerifier } from './prove/proof-verifier.js';
export {
  type AuditCheck,
  type AuditOptions,
  type AuditReport,
  auditCircuit,
} from './setup/audit-circuit.js';
export { exportInferenceVerifier, exportSolidityVerifier } from './setup/export-verifier.js';
export { HERMEZ_PTAU_BLAKE2B } from './setup/hermez-ptau-hashes.js';
export {
  checkPtauFile,
  developmentPtau,
  developmentPtauDir,
  INSECURE_PTAU_WARNING,
  type PtauFile,
  ptauPower,
} from './setup/powers-of-tau.js';
export {
  readSetup,
  type SetupOptions,
  type SetupRecord,
  setupCircuit,
  verificationKeyHash,
} from './setup/trusted-setup.js';
