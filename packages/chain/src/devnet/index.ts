/**
 * A local subtensor runtime on chopsticks, offline, for tests and the demo
 * network (`@acala-network/chopsticks` and `@polkadot/api` are optional peers).
 *
 * @packageDocumentation
 */

export {
  DEVNET_RUNTIMES,
  type DevnetRuntime,
  type SubtensorDevnet,
  type SubtensorDevnetOptions,
  startSubtensorDevnet,
} from './subtensor-devnet.js';
