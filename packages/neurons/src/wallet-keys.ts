import { type ChainKeypair, keypairFromSeed } from '@mt/chain';
import {
  type BittensorWalletLocation,
  loadBittensorColdkey,
  loadBittensorHotkey,
  type Sr25519Hotkey,
  type WalletPasswordOptions,
} from '@mt/wire/bittensor';
import { chainHotkeyOf } from './chain-hotkey.js';

/** A neuron's keys from a Bittensor wallet. */
export interface WalletNeuronKeys {
  /** The wallet's hotkey, which signs on Bittensor's wire. */
  hotkey: Sr25519Hotkey;
  /** The same hotkey as a chain keypair. */
  chainHotkey: ChainKeypair;
  /**
   * The wallet's coldkey as a chain keypair, read (and decrypted, with the
   * password from the environment) only when called: registering and
   * staking need it, serving does not.
   */
  coldkey(): Promise<ChainKeypair>;
}

/**
 * The keys of a neuron run from a Bittensor wallet, as btcli lays it out
 * (`--wallet NAME --hotkey NAME [--wallet-path DIR]`).
 *
 * @example
 * ```ts
 * const keys = await walletNeuronKeys({ wallet: 'miner', hotkey: 'default' });
 * await startMinerNode({ hotkey: keys.hotkey, wire: 'bittensor', subnets });
 * ```
 */
export async function walletNeuronKeys(
  location: BittensorWalletLocation,
  options: WalletPasswordOptions = {},
): Promise<WalletNeuronKeys> {
  const hotkey = await loadBittensorHotkey(location, options);
  let coldkey: Promise<ChainKeypair> | undefined;
  return {
    hotkey,
    chainHotkey: await chainHotkeyOf(hotkey),
    coldkey: () => {
      coldkey ??= loadBittensorColdkey(location, options).then((key) =>
        keypairFromSeed(key.exportSeed(), 'sr25519'),
      );
      return coldkey;
    },
  };
}
