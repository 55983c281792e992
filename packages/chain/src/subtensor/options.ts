/** Options of a connection to a subtensor node. */
export interface ConnectOptions {
  /** How long to keep trying to reach the node before `ChainUnreachableError`. Default 30 s. */
  connectTimeoutMs?: number;
  /** Pause between reconnection attempts. Default 1 s. */
  retryMs?: number;
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
   * Also accept endpoints on loopback, private and carrier-grade NAT
   * addresses, when publishing and when reading the metagraph: a network on
   * one machine or a LAN (the demo, a devnet). Off by default, so a miner
   * cannot aim validators at their own neighbours; an endpoint refused on
   * reading shows as `''` (not served). Link-local addresses (the cloud
   * metadata service), names and port 0 are refused either way.
   */
  allowPrivateEndpoints?: boolean;
}
