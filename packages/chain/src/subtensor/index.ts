/**
 * `SubtensorChain`: the {@link ChainClient} contract on Bittensor's subtensor,
 * through `@polkadot/api` (an optional peer: `npm install @polkadot/api`).
 *
 * @packageDocumentation
 */

export type { ChainClient } from '../contract/chain-client.js';
export { type ConnectOptions, connectSubtensor, loadPolkadotApi } from './connect.js';
export { dispatchErrorName, type SubmitOptions, TransactionSubmitter } from './submit.js';
export { SubtensorChain, type SubtensorChainOptions } from './subtensor-chain.js';
