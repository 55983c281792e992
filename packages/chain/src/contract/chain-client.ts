import type { ChainKeypair } from '../keys/keypair.js';
import type { WeightReveal } from '../weights/commit-hash.js';
import type { U16Weights } from '../weights/u16-weights.js';

/**
 * A subnet's hyperparameters, as subtensor names them. Each may be set by
 * {@link ChainClient.setHyperparameters}; which key may set which follows
 * the chain (on subtensor the sudo key sets all, the owner some).
 */
export interface SubnetHyperparameters {
  /** Blocks between epochs. */
  tempo: number;
  /** `CommitRevealWeightsEnabled`: weights are committed as a hash, then revealed. */
  commitRevealEnabled: boolean;
  /**
   * How long a weight commit waits for its reveal: `RevealPeriodEpochs` in
   * epochs (spec 218 and later, and `LocalChain`), or
   * `WeightCommitRevealInterval` in blocks (spec 202). `pendingCommits`
   * gives the resulting window in blocks either way.
   */
  commitRevealPeriod: number;
  /** `WeightsSetRateLimit`: blocks a validator waits between weight updates. */
  weightsRateLimit: number;
  /** `MaxAllowedUids`: a registration on a full subnet replaces the lowest-ranked UID out of immunity. */
  maxAllowedUids: number;
  /** `MaxAllowedValidators`: how many UIDs may hold a validator permit. */
  maxAllowedValidators: number;
  /** `ImmunityPeriod` in blocks: a new UID cannot be replaced for this long. */
  immunityPeriod: number;
  /** `TargetRegistrationsPerInterval`. */
  targetRegistrationsPerInterval: number;
  /** `MaxRegistrationsPerBlock`. */
  maxRegistrationsPerBlock: number;
  /** `WeightsVersionKey`: weights made for another version are refused. */
  weightsVersionKey: bigint;
  /** `ActivityCutoff` in blocks. */
  activityCutoff: number;
  /**
   * `BondsResetOn`: a hotkey may reset the bonds validators hold in it (its
   * bond column), as subtensor does when it commits with the reset flag.
   * False on runtimes without it (specs 202 and 218).
   */
  bondsResetEnabled: boolean;
}

/** A subnet and who owns it. */
export interface SubnetInfo extends SubnetHyperparameters {
  netuid: number;
  /** The coldkey that created it. */
  owner: string;
  /** UIDs in use. */
  size: number;
}

/** One UID of a subnet's metagraph, with the last epoch's outcome. Ratios are in [0, 1]. */
export interface MetagraphNeuron {
  uid: number;
  /** SS58 hotkey. */
  hotkey: string;
  /** SS58 coldkey that owns the hotkey. */
  coldkey: string;
  /** Stake, in rao, that the epoch weighs this UID by. */
  stake: bigint;
  /** `http://ip:port` the miner published, or `''`. */
  endpoint: string;
  registeredAtBlock: number;
  /** Block of its last weight update. */
  lastUpdate: number;
  validatorPermit: boolean;
  consensus: number;
  incentive: number;
  dividends: number;
  /** `ValidatorTrust`. */
  trust: number;
  /** Rao the last epoch paid this UID. */
  emission: bigint;
}

/** A subnet's neurons at one block. */
export interface Metagraph {
  netuid: number;
  block: number;
  neurons: MetagraphNeuron[];
}

/** A weight commit waiting for its reveal, and the blocks in which the chain accepts the reveal. */
export interface PendingCommit {
  hash: `0x${string}`;
  commitBlock: number;
  /** First block a reveal is accepted in. */
  revealFrom: number;
  /** Last block a reveal is accepted in. */
  revealUntil: number;
}

/** Options of {@link ChainClient.blocks}. */
export interface BlockStreamOptions {
  /** Ends the stream. */
  signal?: AbortSignal;
}

/**
 * The chain contract every ModernTensor neuron uses, implemented by
 * `LocalChain` (embedded) and `SubtensorChain` (Bittensor's chain). Every
 * call that changes state takes the key that signs it; the chain, not the
 * caller, decides whose it is, so nobody acts for a key they do not hold.
 * Reads take no key. A call resolves once the chain has included it, and
 * rejects with {@link ChainCallFailedError} (the chain's error name) when it
 * failed there.
 *
 * @example
 * ```ts
 * const uid = await chain.register(coldkey, netuid, hotkey.address);
 * await chain.addStake(coldkey, netuid, hotkey.address, 1_000_000_000n);
 * await chain.publishEndpoint(hotkey, netuid, 'http://10.0.0.5:8091');
 * const graph = await chain.metagraph(netuid);
 * ```
 */
export interface ChainClient {
  /** The newest block's number. */
  head(): Promise<number>;
  /** New block numbers as they come, until `signal` aborts. */
  blocks(options?: BlockStreamOptions): AsyncIterable<number>;
  /** The block in which subnet `netuid` runs its next epoch, at or after `fromBlock`. */
  nextEpochBlock(netuid: number, fromBlock: number): Promise<number>;
  /** Free balance of an account, in rao. */
  balance(address: string): Promise<bigint>;
  /**
   * Moves `rao` of `from`'s free balance to `to`, keeping `from` alive (as
   * `balances.transfer_keep_alive`). More than `from` has fails with the
   * chain's error name.
   */
  transfer(from: ChainKeypair, to: string, rao: bigint): Promise<void>;
  /** Netuids of every subnet. */
  subnets(): Promise<number[]>;
  /** A subnet's owner, size and hyperparameters. */
  subnet(netuid: number): Promise<SubnetInfo>;
  /** Creates a subnet owned by `owner` (a coldkey); `hotkey` becomes the owner's hotkey. Returns its netuid. */
  createSubnet(owner: ChainKeypair, hotkey: string): Promise<number>;
  /** Sets hyperparameters, each in its own call, signed by `key` (the subnet owner or the chain's sudo key). */
  setHyperparameters(
    key: ChainKeypair,
    netuid: number,
    params: Partial<SubnetHyperparameters>,
  ): Promise<void>;
  /** Registers `hotkey` on a subnet, paid by `coldkey`, which owns the hotkey from then on. Returns its UID. */
  register(coldkey: ChainKeypair, netuid: number, hotkey: string): Promise<number>;
  /** Publishes where `hotkey`'s miner serves (`http://ip:port`); signed by the hotkey itself. */
  publishEndpoint(hotkey: ChainKeypair, netuid: number, url: string): Promise<void>;
  /** Moves `rao` from `coldkey`'s free balance to stake on `hotkey` (its own, or another's as a nominator). */
  addStake(coldkey: ChainKeypair, netuid: number, hotkey: string, rao: bigint): Promise<void>;
  /** Moves `rao` of the stake `coldkey` put on `hotkey` back to its free balance; signed by the coldkey. */
  removeStake(coldkey: ChainKeypair, netuid: number, hotkey: string, rao: bigint): Promise<void>;
  /** Sets `hotkey`'s weights in the clear (refused while commit-reveal is on). */
  setWeights(
    hotkey: ChainKeypair,
    netuid: number,
    weights: U16Weights,
    versionKey?: bigint,
  ): Promise<void>;
  /** Commits `weightCommitHash(hotkey.address, netuid, reveal)`. */
  commitWeights(hotkey: ChainKeypair, netuid: number, hash: `0x${string}`): Promise<void>;
  /** Reveals what was committed; the chain checks it against the hash. */
  revealWeights(hotkey: ChainKeypair, netuid: number, reveal: WeightReveal): Promise<void>;
  /** `hotkey`'s commits that wait for a reveal, oldest first, with their reveal windows. */
  pendingCommits(netuid: number, hotkey: string): Promise<PendingCommit[]>;
  /** The weights UID `uid` has on the chain now (u16 as stored), UID → value. */
  weightsOf(netuid: number, uid: number): Promise<Map<number, number>>;
  /** Every UID of the subnet with its keys, stake, endpoint and the last epoch's outcome. */
  metagraph(netuid: number): Promise<Metagraph>;
  /** Releases connections and files. */
  close(): Promise<void>;
}
