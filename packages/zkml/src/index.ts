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
 * @packageDocumentation
 */

/** A proof in transit (from `@mt/protocol`): snarkjs's proof and public signals, the key hash, the decoded outputs. */
export type { Proof, ProofSystem } from '@mt/protocol';
export {
  Circuit,
  circuitFiles,
  type DecodedOutputs,
  type Optimization,
  type PrivateWeights,
} from './circuit/circuit.js';
export {
  type CircuitMetadata,
  type PrivateTensorShape,
  publicSignalCount,
  type TensorShape,
} from './circuit/circuit-metadata.js';
export {
  type GeneratedCircuit,
  generateCircom,
  privateModelHash,
  publicModelHash,
  scoresOutput,
} from './circuit/generate-circom.js';
export { FIELD_PRIME, packedPoseidon, signedBitsFor } from './circuit/packed-poseidon.js';
export { poseidon, sponge } from './circuit/poseidon.js';
export {
  CircuitCompiler,
  type CompiledBuild,
  type CompileModelOptions,
  type ProgressListener,
  templatesDir,
  writeCircuitFolder,
} from './compile/circuit-compiler.js';
export {
  CircuitArtifactMissingError,
  CircuitCompilationError,
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
export type { Algebra } from './graph/algebra.js';
export { floatAlgebra } from './graph/float-algebra.js';
export { type Kernel, type KernelContext, NodeRefusal } from './graph/kernel.js';
export { kernels, runGraph, supportedOps } from './graph/run-graph.js';
export {
  approximationBound,
  type SmoothApproximation,
  type SmoothFunction,
  smoothApproximations,
} from './graph/smooth-functions.js';
export type { Tensor } from './graph/tensor.js';
export type { Affine, ErrorRule, Value } from './lower/affine.js';
export { evaluateProgram, floorShift, type ProgramResult } from './lower/evaluate-program.js';
export { type CircuitMode, type LowerOptions, lowerGraph } from './lower/lower-graph.js';
export { LoweringAlgebra, MAX_NUMERATOR_BITS, quantize } from './lower/lowering-algebra.js';
export type {
  FixedPointProgram,
  PrivateTensor,
  ProgramInput,
  ProgramOutput,
  SignalInfo,
  SoftmaxShare,
  Step,
} from './lower/program.js';
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
export {
  BASE_FIELD_PRIME,
  canonicalProof,
  nonCanonicalField,
  proofElements,
  proofFromBytes,
  proofFromJson,
  proofToBytes,
  proofToJson,
} from './prove/proof-codec.js';
export { type InferenceProof, type ProofConfig, ProofGenerator } from './prove/proof-generator.js';
export {
  ProofVerifier,
  type RejectionCode,
  type Verdict,
  type VerificationExpectations,
} from './prove/proof-verifier.js';
export {
  type AuditCheck,
  type AuditOptions,
  type AuditReport,
  auditCircuit,
} from './setup/audit-circuit.js';
export { exportInferenceVerifier, exportSolidityVerifier } from './setup/export-verifier.js';
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
