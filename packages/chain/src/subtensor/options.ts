import type { MtLogger } from '@mt/protocol';

/** Options of a connection to a subtensor node. */
export interface ConnectOptions {
  /** How long to keep trying to reach the node before `ChainUnreachableError`. Default 30 s. */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts. Default 1 s. */
  retryMs?: number;
  /** Time one request to the node has for its answer before `ChainRpcError` (`timeout`). Default 60 s. */
  requestTimeoutMs?: number;
  /** Where a node that breaks the protocol, or a head that jumps, is reported (warn). Default: silent. */
  logger?: MtLogger;
}

/** Options of transaction submission. */
export interface SubmitOptions {
  /** How long a transaction may wait to be included in a block. Default 120 s (ten of Bittensor's 12 s blocks). */
  inclusionTimeoutMs?: number;
}

/** Options of `SubtensorChain.connect`. */
export interface SubtensorChainOptions extends ConnectOptions, SubmitOptions {
  /** Retries of a read that failed because the node dropped. Default 5. */
  readRetries?: number;
  /**
   * The most blocks `blocks()` fills in when a new head skips some (a node
   * announces the last of several built at once). A larger jump, or a head
   * that moves backwards, is reported to `logger` and yields only the new
   * head. Default 1,024.
   */
  maxHeadGap?: number;
  /**
   * Also accept endpoints on loopback, private and carrier-grade NAT
   * addresses, when publishing and when reading the metagraph: a network on
   * one machine or a LAN (the demo, a devnet). Off by default, so a miner
   * cannot aim validators at their own neighbours; an endpoint refused on
   * reading shows as `''` (not served). Link-local addresses (the cloud
   * metadata service), names and port 0 are refused either way.
   */
  allowPrivateEndpoints?: boolean;
  /**
   * Read metagraphs and hyperparameters through the runtime APIs the node's
   * metadata declares (`get_neurons_lite`, `get_subnet_state`,
   * `get_subnet_hyperparams`): one or two requests each. `false` reads
   * storage instead, every UID of an item in one request: for a runtime whose
   * API answers this client cannot decode (it says so with `ChainRuntimeError`).
   * Default true.
   */
  runtimeApis?: boolean;
}
