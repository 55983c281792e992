import { type ChainKeypair, keypairFromSeed } from '@mt/chain';
import { loadOrCreateHotkey } from '@mt/wire';
import {
  type BittensorWalletLocation,
  loadBittensorColdkey,
  loadBittensorHotkey,
  type Sr25519Hotkey,
  type WalletPasswordOptions,
} from '@mt/wire/bittensor';
import type { NeuronHotkey, NeuronWire } from './bittensor-wire.js';
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

/** A neuron program's key, and the wire it implies. */
export interface ProgramKeys {
  wire: NeuronWire;
  hotkey: NeuronHotkey;
  /** The wallet's keys, when a wallet was named. */
  wallet?: WalletNeuronKeys;
}

/**
 * The hotkey a neuron program (`mt-miner`, `mt-validator`) runs with: a
 * Bittensor wallet's, on Bittensor's wire, when `wallet` names one;
 * otherwise our own key file's (created 0600 when missing), on our envelope.
 */
export async function programKeys(options: {
  wallet?: string;
  hotkey: string;
  walletPath: string;
  keyFile: string;
}): Promise<ProgramKeys> {
  if (options.wallet === undefined)
    return { wire: 'envelope', hotkey: await loadOrCreateHotkey(options.keyFile) };
  const wallet = await walletNeuronKeys({
    wallet: options.wallet,
    hotkey: options.hotkey,
    path: options.walletPath,
  });
  return { wire: 'bittensor', hotkey: wallet.hotkey, wallet };
}
