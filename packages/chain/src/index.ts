/**
 * One signed chain contract for ModernTensor neurons, {@link ChainClient},
 * with the embedded {@link LocalChain}; `@mt/chain/subtensor` has
 * `SubtensorChain` (Bittensor's chain over `@polkadot/api`) and
 * `@mt/chain/devnet` a local subtensor runtime on chopsticks.
 *
 * @packageDocumentation
 */

export { checkAmount } from './amount.js';
export { runChainCli } from './cli/run-chain-cli.js';
export type {
  BlockStreamOptions,
  ChainClient,
  Metagraph,
  MetagraphNeuron,
  PendingCommit,
  SubnetHyperparameters,
  SubnetInfo,
} from './contract/chain-client.js';
export {
  type AxonAddress,
  axonOfUrl,
  checkEndpointUrl,
  ENDPOINT_MAX_LENGTH,
  urlOfAxon,
} from './endpoint.js';
export {
  type EpochSource,
  epochBlocks,
  epochIndex,
  isEpochBlock,
  nextEpochBlock,
} from './epoch-schedule.js';
export {
  CHAIN_ERROR_PREFIX,
  ChainCallFailedError,
  ChainError,
  ChainRejectedError,
  ChainRpcError,
  ChainRuntimeError,
  ChainSignatureError,
  ChainUnreachableError,
  KeystoreError,
} from './errors.js';
export {
  accountId,
  type ChainKeypair,
  type ChainKeyType,
  canonicalAddress,
  chainCryptoReady,
  generateKeypair,
  isChainAddress,
  keypairFromSeed,
  keypairFromUri,
  SS58_PREFIX,
  verifyChainSignature,
  verifyChainSignatureNow,
} from './keys/keypair.js';
export { loadColdkey, saveColdkey } from './keys/keystore.js';
export {
  LocalChain,
  type LocalChainGenesis,
  type LocalChainOptions,
} from './local/local-chain.js';
export { DEFAULT_HYPERPARAMETERS } from './local/local-runtime.js';
export {
  type LocalCall,
  localCallSchema,
  readSignedLocalCall,
  SIGNED_CALL_MAX_BYTES,
  type SignedLocalCall,
  signedLocalCallSchema,
  verifySignedLocalCall,
} from './local/signed-call.js';
export { randomSalt, type WeightReveal, weightCommitHash } from './weights/commit-hash.js';
export { weightsNotYet } from './weights/not-yet.js';
export { checkU16Weights, toU16Weights, type U16Weights } from './weights/u16-weights.js';
export {
  type WeightEvent,
  type WeightSubmission,
  WeightSubmitter,
  type WeightSubmitterOptions,
} from './weights/weight-submitter.js';
