import { accountId, type ChainKeypair, keypairFromSeed } from '@mt/chain';
import { addressFromPublicKey, type Hotkey } from '@mt/wire';

/**
 * The chain keypair of a wire hotkey: the same ed25519 seed, so one key signs
 * both the neuron's requests and its chain calls, and its SS58 address and
 * its `mt…` wire address name the same public key.
 */
export function chainHotkeyOf(hotkey: Hotkey): Promise<ChainKeypair> {
  return keypairFromSeed(hotkey.exportSeed(), 'ed25519');
}

/**
 * The wire address (`mt…`) of a chain hotkey, for sending it signed requests
 * and checking its signatures. Only an ed25519 hotkey signs on the wire; for
 * an sr25519 one this names a key nobody holds, so its neuron never answers.
 */
export function wireAddressOf(chainAddress: string): string {
  return addressFromPublicKey(accountId(chainAddress));
}
