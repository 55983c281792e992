import type { ChainClient } from '@mt/chain';
import { senderAddressOf } from '../chain-hotkey.js';

/**
 * The least stake, in rao, a sender must have to be served by default: 1,000
 * TAO. Every miner that earned emission holds some stake, and on a small
 * subnet a validator permit too, so neither alone tells a validator from a
 * miner relaying others' work or a swarm of cheap keys.
 */
export const DEFAULT_MIN_VALIDATOR_STAKE = 1_000n * 10n ** 9n;

/** Options of {@link validatorsOnChain}. */
export interface ChainBlacklistOptions {
  /** How often the chain is read again, in ms. Default 12 s (one block). */
  refreshMs?: number;
  /**
   * Least stake a sender must have on one of the subnets, as the chain's
   * metagraph reports it (rao on `LocalChain`; on subtensor the runtime's own
   * stake figure, alpha on dynamic-TAO runtimes). Default
   * {@link DEFAULT_MIN_VALIDATOR_STAKE}; set it for your subnet, and lower it
   * for a small test network.
   */
  minStake?: bigint;
  /** Serve only neurons holding a validator permit. Default true. */
  requirePermit?: boolean;
  /**
   * The wire the senders sign on, which decides how a chain hotkey appears
   * as a sender: `mt…` on our envelope (default), prefix-42 SS58 on Bittensor's.
   */
  wire?: 'envelope' | 'bittensor';
}

/** A miner server's blacklist that follows the chain, and the timer that keeps it current. */
export interface ChainBlacklist {
  /** For `MinerServerOptions.blacklist`: a reason for senders that are not staked validators. */
  blacklist(sender: string): string | undefined;
  /**
   * For `MinerServerOptions.priority`: a validator's stake in TAO (its most on
   * any of the subnets), so the largest validators are served first.
   */
  priority(sender: string): number;
  /** Reads the chain now (the first read happens before this resolves from {@link validatorsOnChain}). */
  refresh(): Promise<void>;
  /** Stops the refresh timer. */
  close(): void;
}

/**
 * Serves only validators of the given subnets: neurons with a validator
 * permit and at least `minStake`. Everyone else is refused (403) before the
 * rate limiter, the replay memory or any work, so strangers with fresh keys,
 * and miners with a little stake relaying tasks to others, cannot take their
 * room; `priority` orders the rest by stake. The set is read from
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
  const minStake = options.minStake ?? DEFAULT_MIN_VALIDATOR_STAKE;
  const requirePermit = options.requirePermit ?? true;
  const wire = options.wire ?? 'envelope';
  /** Each allowed sender's stake, in TAO. */
  let allowed = new Map<string, number>();
  const refresh = async () => {
    const next = new Map<string, number>();
    for (const netuid of netuids) {
      for (const neuron of (await chain.metagraph(netuid)).neurons) {
        if (neuron.stake < minStake || (requirePermit && !neuron.validatorPermit)) continue;
        const address = senderAddressOf(neuron.hotkey, wire);
        const tao = Number(neuron.stake) / 1e9;
        next.set(address, Math.max(next.get(address) ?? 0, tao));
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
        : `${sender} is not a validator of this miner's subnets (a permit and ${minStake} rao of stake)`,
    priority: (sender) => allowed.get(sender) ?? 0,
    refresh,
    close: () => clearInterval(timer),
  };
}
