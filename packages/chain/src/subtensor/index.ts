/**
 * `SubtensorChain`: the {@link ChainClient} contract on Bittensor's subtensor,
 * through `@polkadot/api` (an optional peer: `npm install @polkadot/api`,
 * loaded when you connect). No type here names `@polkadot/api`, so this entry
 * type-checks without it.
 *
 * @packageDocumentation
 */

export type { ChainClient } from '../contract/chain-client.js';
export type { ConnectOptions, SubmitOptions, SubtensorChainOptions } from './options.js';
export { SubtensorChain } from './subtensor-chain.js';
