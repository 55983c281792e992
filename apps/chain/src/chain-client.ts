import { createHash } from 'node:crypto';

/** A registered participant of a subnet. */
export interface Neuron {
  netuid: number;
  uid: number;
  /** The hotkey address (`mt…`) that signs its requests. */
  hotkey: string;
  /** Where a miner serves (`http://host:port`); empty for validators. */
  url: string;
  /** Stake in rao. */
  stake: bigint;
  registeredAtBlock: number;
  /** Block of its last weight update. */
  lastUpdate: number;
  /** Whether the last epoch gave it a validator permit. */
  validatorPermit: boolean;
}

/** Hyperparameters of a subnet. */
export interface SubnetConfig {
  netuid: number;
  name: string;
  /** Blocks between epochs. */
  tempo: number;
  /** Rao emitted per epoch. */
  emissionPerEpoch: bigint;
  /** Weights must be committed as a hash and revealed at least `revealDelayBlocks` later. */
  commitReveal: boolean;
  revealDelayBlocks: number;
}

/** One epoch's outcome per UID, as floats in [0, 1] and rao. */
export interface EpochRecord {
  netuid: number;
  block: number;
  uids: number[];
  hotkeys: string[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  /** Rao paid to each UID this epoch (miner plus validator share). */
  emission: bigint[];
}

/** The weights a validator reveals, and the salt that hid them. */
export interface WeightReveal {
  uids: number[];
  /** u16 values, one per UID; the chain max-upscales them. */
  weights: number[];
  salt: string;
}

/**
 * What the demo's miners and validators need from a chain. `LocalChain`
 * implements it on SQLite; a client of a real chain implements the same.
 */
export interface ChainClient {
  currentBlock(): Promise<number>;
  subnet(netuid: number): Promise<SubnetConfig>;
  /** Registers `hotkey` on the subnet (idempotent: an existing registration updates its URL) and returns its UID. */
  register(netuid: number, hotkey: string, url?: string): Promise<number>;
  addStake(netuid: number, hotkey: string, rao: bigint): Promise<void>;
  neurons(netuid: number): Promise<Neuron[]>;
  /** Sets weights directly; refused on subnets with commit-reveal. */
  setWeights(netuid: number, hotkey: string, uids: number[], weights: number[]): Promise<void>;
  /** The weights `hotkey` has on the chain now (u16, as stored), UID → value. */
  weightsOf(netuid: number, hotkey: string): Promise<Map<number, number>>;
  commitWeights(netuid: number, hotkey: string, hash: string): Promise<void>;
  revealWeights(netuid: number, hotkey: string, reveal: WeightReveal): Promise<void>;
  /** Epochs run so far, oldest first (at most `limit`, the newest). */
  epochs(netuid: number, limit?: number): Promise<EpochRecord[]>;
  /** Total rao each hotkey has been paid on the subnet. */
  earnings(netuid: number): Promise<Map<string, bigint>>;
}

/** The hash a validator commits for {@link WeightReveal} `reveal`. */
export function weightCommitHash(netuid: number, hotkey: string, reveal: WeightReveal): string {
  return createHash('sha256')
    .update(JSON.stringify([netuid, hotkey, reveal.uids, reveal.weights, reveal.salt]))
    .digest('hex');
}
