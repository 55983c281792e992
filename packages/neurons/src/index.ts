/**
 * ModernTensor's neurons as a library: {@link startMinerNode} serves a
 * subnet's miner role over the signed wire, {@link ValidatorNode} queries a
 * subnet's miners, scores them and sets weights on any `@mt/chain`
 * `ChainClient` (`LocalChain`, or Bittensor's subtensor through
 * `SubtensorChain`). Either speaks our signed envelope (an ed25519 hotkey)
 * or Bittensor's Synapse wire (an sr25519 hotkey from a Bittensor wallet),
 * and one hotkey signs both the wire and the chain.
 *
 * @packageDocumentation
 */

export {
  type NeuronHotkey,
  type NeuronWire,
  type SynapseMapping,
  taskSynapse,
} from './bittensor-wire.js';
export { chainHotkeyOf, senderAddressOf, wireAddressOf } from './chain-hotkey.js';
export { ValidatorHaltedError } from './errors.js';
export {
  type JoinSubnetOptions,
  joinSubnet,
  type OpenChainOptions,
  openChain,
} from './join-subnet.js';
export {
  type ChainBlacklist,
  type ChainBlacklistOptions,
  DEFAULT_MIN_VALIDATOR_STAKE,
  validatorsOnChain,
} from './miner/chain-blacklist.js';
export {
  type AnswerStrategy,
  createMinerNodeHandler,
  type MinerJob,
  type MinerNode,
  type MinerNodeOptions,
  type ServedSubnet,
  serveMinerJobs,
  startMinerNode,
} from './miner/miner-node.js';
export { instrumentChain } from './validator/instrument-chain.js';
export { ValidatorMetrics } from './validator/validator-metrics.js';
export {
  type MinerRound,
  ValidatorNode,
  type ValidatorNodeOptions,
  type ValidatorRunOptions,
} from './validator/validator-node.js';
export { NEURONS_VERSION } from './version.js';
export {
  type ProgramKeys,
  programKeys,
  type WalletNeuronKeys,
  walletNeuronKeys,
} from './wallet-keys.js';
