/**
 * `@mt/app-miner`: the miner side of the demo network.
 *
 * @packageDocumentation
 */

export {
  type ChainBlacklist,
  type ChainBlacklistOptions,
  validatorsOnChain,
} from './chain-blacklist.js';
export {
  type AnswerStrategy,
  createMinerNodeHandler,
  type MinerJob,
  type MinerNodeOptions,
  type ServedSubnet,
  serveMinerJobs,
  startMinerNode,
} from './miner-node.js';
export { runMinerCli } from './run-miner-cli.js';
export { cheatingStrategy, lazyStrategy } from './strategies.js';
