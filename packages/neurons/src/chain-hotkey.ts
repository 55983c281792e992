import { accountId, type ChainKeypair, keypairFromSeed } from '@mt/chain';
import { addressFromPublicKey } from '@mt/wire';
import { Sr25519Hotkey, ss58Encode } from '@mt/wire/bittensor';
import type { NeuronHotkey } from './bittensor-wire.js';

/**
 * The chain keypair of a neuron's hotkey: the same seed and scheme, so one
 * key signs both the neuron's requests and its chain calls. An ed25519
 * `Hotkey`'s `mt…` address and its SS58 address name the same public key;
 * an `Sr25519Hotkey` (a Bittensor wallet's) is the sr25519 account itself.
 */
export function chainHotkeyOf(hotkey: NeuronHotkey): Promise<ChainKeypair> {
  return hotkey instanceof Sr25519Hotkey
    ? keypairFromSeed(hotkey.exportSeed(), 'sr25519')
    : keypairFromSeed(hotkey.exportSeed(), 'ed25519');
}

/**
 * The wire address (`mt…`) of a chain hotkey, for sending it signed requests
 * and checking its signatures. Only an ed25519 hotkey signs on the wire; for
 * an sr25519 one this names a key nobody holds, so its neuron never answers.
 */
export function wireAddressOf(chainAddress: string): string {
  return addressFromPublicKey(accountId(chainAddress));
}

/**
 * How a chain hotkey signs on a wire: its `mt…` address on our envelope, its
 * prefix-42 SS58 address on Bittensor's (whatever prefix the chain uses).
 */
export function senderAddressOf(chainAddress: string, wire: 'envelope' | 'bittensor'): string {
  return wire === 'envelope' ? wireAddressOf(chainAddress) : ss58Encode(accountId(chainAddress));
}
