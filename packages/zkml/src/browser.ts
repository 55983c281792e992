/**
 * `@mt/zkml/browser`: checks a miner's proof where a reader sees it, with no
 * Node built-ins and no server. `BrowserProofVerifier` runs the same checks
 * as `ProofVerifier` (and gives the same verdict codes) with snarkjs's
 * browser build; `runModelInBrowser` runs the model with onnxruntime-web, an
 * optional peer the page imports itself, to compare the proven outputs with
 * a local run; `fetchPinned` refuses a key or model whose SHA-256 is not the
 * published one.
 *
 * @packageDocumentation
 */

export {
  BrowserProofVerifier,
  type CircuitPublicFiles,
} from './browser/browser-verifier.js';
export { type FetchPinnedOptions, fetchPinned, sha256Hex } from './browser/pinned-file.js';
export {
  type OnnxRuntimeWeb,
  type OrtSession,
  type OrtTensor,
  type RunModelOptions,
  runModelInBrowser,
} from './browser/run-model.js';
export { CircuitDescription, type DecodedOutputs } from './circuit/circuit-description.js';
export type { CircuitMetadata, TensorShape } from './circuit/circuit-metadata.js';
export {
  ArtifactHashMismatchError,
  CircuitArtifactMissingError,
  InvalidZkmlInputError,
  ZkmlError,
} from './errors.js';
export type {
  RejectionCode,
  Verdict,
  VerificationExpectations,
  VerificationKey,
} from './prove/check-proof.js';
