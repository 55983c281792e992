import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToU8a } from '@polkadot/util';
import {
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  mnemonicGenerate,
  signatureVerify,
} from '@polkadot/util-crypto';
import { ChainRejectedError } from '../errors.js';

/**
 * A Substrate keypair: a hotkey or coldkey that signs chain calls. It is
 * polkadot-js's own `KeyringPair`, so the same object signs for `LocalChain`
 * and for `@polkadot/api`; its `address` is SS58 (prefix 42, as Bittensor's).
 */
export type ChainKeypair = KeyringPair;

/** The signature schemes a chain key may use; Bittensor's keys are sr25519, ed25519 works too. */
export type ChainKeyType = 'ed25519' | 'sr25519';

/** Bittensor's SS58 prefix. */
export const SS58_PREFIX = 42;

function keyring(type: ChainKeyType): Keyring {
  return new Keyring({ type, ss58Format: SS58_PREFIX });
}

/** Waits for the wasm crypto sr25519 needs; every function below that returns a pair awaits it. */
export async function chainCryptoReady(): Promise<void> {
  await cryptoWaitReady();
}

/**
 * The keypair of a 32-byte seed.
 *
 * @example
 * ```ts
 * const hotkey = await keypairFromSeed(hotkeyFile.exportSeed(), 'ed25519');
 * ```
 */
export async function keypairFromSeed(
  seed: Uint8Array,
  type: ChainKeyType = 'sr25519',
): Promise<ChainKeypair> {
  if (seed.length !== 32) throw new ChainRejectedError('seed', `has ${seed.length} bytes, not 32`);
  await cryptoWaitReady();
  return keyring(type).addFromSeed(u8aToU8a(seed));
}

/**
 * The keypair of a secret URI: a mnemonic, a hex seed, or a development
 * derivation such as `//Alice`, as polkadot-js and `btcli` take them.
 */
export async function keypairFromUri(
  uri: string,
  type: ChainKeyType = 'sr25519',
): Promise<ChainKeypair> {
  await cryptoWaitReady();
  try {
    return keyring(type).addFromUri(uri);
  } catch (error) {
    throw new ChainRejectedError(
      'uri',
      `is not a mnemonic, hex seed or //derivation (${String(error)})`,
    );
  }
}

/** A new random keypair and the mnemonic that restores it (show it once, to its owner only). */
export async function generateKeypair(
  type: ChainKeyType = 'sr25519',
): Promise<{ pair: ChainKeypair; mnemonic: string }> {
  await cryptoWaitReady();
  const mnemonic = mnemonicGenerate(12);
  return { pair: keyring(type).addFromMnemonic(mnemonic), mnemonic };
}

/** Whether `address` is a well-formed SS58 address (any prefix). */
export function isChainAddress(address: string): boolean {
  if (typeof address !== 'string' || address.length > 64) return false;
  try {
    return decodeAddress(address).length === 32;
  } catch {
    return false;
  }
}

/**
 * `address` in this library's form (SS58, prefix 42), so the same account is
 * always spelled the same way.
 *
 * @throws ChainRejectedError when it is not an SS58 address of a 32-byte account.
 */
export function canonicalAddress(address: string, field = 'address'): string {
  if (!isChainAddress(address))
    throw new ChainRejectedError(
      field,
      `${JSON.stringify(String(address).slice(0, 80))} is not an SS58 address`,
    );
  return encodeAddress(decodeAddress(address), SS58_PREFIX);
}

/** The 32-byte account id of an SS58 address. */
export function accountId(address: string): Uint8Array {
  return decodeAddress(canonicalAddress(address));
}

/**
 * Whether `signature` is `address`'s signature of `message`, with whichever
 * scheme the signature carries (ed25519, sr25519, ecdsa). Awaits the crypto.
 */
export async function verifyChainSignature(
  message: Uint8Array,
  signature: Uint8Array,
  address: string,
): Promise<boolean> {
  await cryptoWaitReady();
  return verifyChainSignatureNow(message, signature, address);
}

/**
 * {@link verifyChainSignature} without waiting: for code that awaited
 * {@link chainCryptoReady} already and must verify inside a synchronous
 * transaction.
 */
export function verifyChainSignatureNow(
  message: Uint8Array,
  signature: Uint8Array,
  address: string,
): boolean {
  try {
    return signatureVerify(message, signature, address).isValid;
  } catch {
    // A malformed signature or address is simply not a valid signature.
    return false;
  }
}
