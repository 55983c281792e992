/**
 * The demo network's local chain: the {@link ChainClient} interface and
 * {@link LocalChain}, its SQLite implementation.
 *
 * @packageDocumentation
 */

export {
  type ChainClient,
  type EpochRecord,
  type Neuron,
  type SubnetConfig,
  type WeightReveal,
  weightCommitHash,
} from './chain-client.js';
export { CHAIN_ERROR_PREFIX, ChainError, ChainRejectedError } from './errors.js';
export { instrumentChain } from './instrument-chain.js';
export { LocalChain } from './local-chain.js';
