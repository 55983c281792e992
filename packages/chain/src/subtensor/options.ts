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
}
