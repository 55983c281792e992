import type { ChainClient } from '@mt/chain';
import { wireAddressOf } from '../chain-hotkey.js';

/** Options of {@link validatorsOnChain}. */
export interface ChainBlacklistOptions {
  /** How often the chain is read again, in ms. Default 12 s (one block). */
  refreshMs?: number;
  /** Least stake, in rao, a sender must have on one of the subnets. Default 1. */
  minStake?: bigint;
}

/** A miner server's blacklist that follows the chain, and the timer that keeps it current. */
export interface ChainBlacklist {
  /** For `MinerServerOptions.blacklist`: a reason for senders that are not staked validators. */
  blacklist(sender: string): string | undefined;
  /** Reads the chain now (the first read happens before this resolves from {@link validatorsOnChain}). */
  refresh(): Promise<void>;
  /** Stops the refresh timer. */
  close(): void;
}

/**
 * Serves only keys registered with stake on the given subnets: everyone else
 * is refused (403) before the rate limiter, the replay memory or any work,
 * so strangers with fresh keys cannot take their room. The set is read from
 * the chain's metagraph every `refreshMs` (chain hotkeys, as the wire
 * addresses that sign requests); a read that fails keeps the last set (and
 * the error is reported through `onError`), so a chain hiccup neither opens
 * the miner to everyone nor closes it to its validators.
 */
export async function validatorsOnChain(
  chain: ChainClient,
  netuids: readonly number[],
  options: ChainBlacklistOptions & { onError?: (error: unknown) => void } = {},
): Promise<ChainBlacklist> {
  const minStake = options.minStake ?? 1n;
  let allowed = new Set<string>();
  const refresh = async () => {
    const next = new Set<string>();
    for (const netuid of netuids) {
      for (const neuron of (await chain.metagraph(netuid)).neurons) {
        if (neuron.stake >= minStake) next.add(wireAddressOf(neuron.hotkey));
      }
    }
    allowed = next;
  };
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((error: unknown) => options.onError?.(error));
  }, options.refreshMs ?? 12_000);
  timer.unref();
  return {
    blacklist: (sender) =>
      allowed.has(sender)
        ? undefined
        : `${sender} is not a staked validator of this miner's subnets`,
    refresh,
    close: () => clearInterval(timer),
  };
}
