/**
 * One signed chain contract for ModernTensor neurons, {@link ChainClient},
 * with the embedded {@link LocalChain}; `@mt/chain/subtensor` has
 * `SubtensorChain` (Bittensor's chain over `@polkadot/api`) and
 * `@mt/chain/devnet` a local subtensor runtime on chopsticks.
 *
 * @packageDocumentation
 */

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
  generateKeypair,
  keypairFromSeed,
  keypairFromUri,
} from './keys/keypair.js';
export { loadColdkey, saveColdkey } from './keys/keystore.js';
export {
  LocalChain,
  type LocalChainGenesis,
  type LocalChainOptions,
} from './local/local-chain.js';
export {
  type LocalCall,
  localCallSchema,
  type SignedLocalCall,
  signedLocalCallSchema,
} from './local/signed-call.js';
export { randomSalt, type WeightReveal, weightCommitHash } from './weights/commit-hash.js';
export { weightsNotYet } from './weights/not-yet.js';
export { toU16Weights, type U16Weights } from './weights/u16-weights.js';
export {
  type WeightEvent,
  type WeightSubmission,
  WeightSubmitter,
  type WeightSubmitterOptions,
} from './weights/weight-submitter.js';
