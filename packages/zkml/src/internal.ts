/**
 * `@mt/zkml/internal`: the compiler's own parts, for tools built on it and
 * for its tests: the lowering algebra and its error rules, the program's
 * steps, the graph kernels, the BN254 field and Poseidon, the Circom
 * generator and the circuit folder's layout. No stability promise: these
 * change with the compiler. A prover or a verifier needs only `@mt/zkml`.
 *
 * @packageDocumentation
 */

export { circuitFiles } from './circuit/circuit.js';
export { publicSignalCount } from './circuit/circuit-metadata.js';
export {
  estimateConstraints,
  type GeneratedCircuit,
  generateCircom,
  linearTerms,
  privateModelHash,
  publicModelHash,
  scoresOutput,
  sourceChunks,
} from './circuit/generate-circom.js';
export { FIELD_PRIME, packedPoseidon, signedBitsFor } from './circuit/packed-poseidon.js';
export { poseidon, sponge } from './circuit/poseidon.js';
export { templatesDir, writeCircuitFolder } from './compile/circuit-compiler.js';
export type { Algebra } from './graph/algebra.js';
export { floatAlgebra } from './graph/float-algebra.js';
export { type Kernel, type KernelContext, NodeRefusal } from './graph/kernel.js';
export { kernels, runGraph } from './graph/run-graph.js';
export {
  type SmoothApproximation,
  type SmoothFunction,
  smoothApproximations,
} from './graph/smooth-functions.js';
export type { Affine, ErrorRule, Value } from './lower/affine.js';
export { floorShift } from './lower/evaluate-program.js';
export { LoweringAlgebra, MAX_NUMERATOR_BITS, quantize } from './lower/lowering-algebra.js';
export type { PrivateTensor, SignalInfo, SoftmaxShare, Step } from './lower/program.js';
export { BASE_FIELD_PRIME, nonCanonicalField, proofElements } from './prove/proof-codec.js';
export { type PtauSecrets, writeDevelopmentPtau } from './setup/development-ptau.js';
export { blake2bOfFile, MIN_DEV_PTAU_POWER } from './setup/powers-of-tau.js';
export { optimizationFor } from './setup/trusted-setup.js';
