import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToU8a } from '@polkadot/util';
import {
  cryptoWaitReady,
  decodeAddress,
  encodeAddress,
  mnemonicGenerate,
  mnemonicToMiniSecret,
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

/**
 * `node:crypto` keys for the ed25519 pairs this module made from a known
 * seed: OpenSSL signs in about a quarter of the time of polkadot's wasm, and
 * ed25519 is deterministic, so the signature is the same bytes either way.
 */
const nativeSigners = new WeakMap<ChainKeypair, KeyObject>();

// DER prefixes of a raw ed25519 key (RFC 8410): PKCS#8 for a seed, SPKI for a public key.
const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

function withNativeSigner(pair: ChainKeypair, seed: Uint8Array, type: ChainKeyType): ChainKeypair {
  if (type === 'ed25519')
    nativeSigners.set(
      pair,
      createPrivateKey({ key: Buffer.concat([ED25519_PKCS8, seed]), format: 'der', type: 'pkcs8' }),
    );
  return pair;
}

const addresses = new WeakMap<ChainKeypair, string>();

/**
 * `pair.address`, kept: polkadot-js encodes it afresh (base58 and a blake2
 * checksum) on every read, and a signed call reads it twice.
 */
export function addressOf(pair: ChainKeypair): string {
  let address = addresses.get(pair);
  if (address === undefined) {
    address = pair.address;
    addresses.set(pair, address);
  }
  return address;
}

/**
 * `pair`'s signature of `message`: by `node:crypto` for an ed25519 pair made
 * here from its seed, else by the pair itself (sr25519, derived keys).
 */
export function signWithChainKey(pair: ChainKeypair, message: Uint8Array): Uint8Array {
  const native = nativeSigners.get(pair);
  return native ? new Uint8Array(sign(null, message, native)) : pair.sign(message);
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
  const bytes = u8aToU8a(seed);
  return withNativeSigner(keyring(type).addFromSeed(bytes), bytes, type);
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
  // The pair `addFromMnemonic` makes, from the seed it would derive, so the seed is known here.
  const seed = mnemonicToMiniSecret(mnemonic);
  return { pair: withNativeSigner(keyring(type).addFromSeed(seed), seed, type), mnemonic };
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
  const known = canonical.get(address);
  if (known !== undefined) return known;
  if (!isChainAddress(address))
    throw new ChainRejectedError(
      field,
      `${JSON.stringify(String(address).slice(0, 80))} is not an SS58 address`,
    );
  const result = encodeAddress(decodeAddress(address), SS58_PREFIX);
  remember(canonical, address, result);
  return result;
}

// SS58 decoding and encoding cost tens of µs (base58 and a blake2 checksum) and a chain
// sees the same few accounts over and over: both caches are bounded, and start afresh when full.
const CACHE_ENTRIES = 4096;
const canonical = new Map<string, string>();
const publicKeys = new Map<string, KeyObject>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= CACHE_ENTRIES) cache.clear();
  cache.set(key, value);
}

/** `address`'s key as `node:crypto` verifies ed25519 with it. */
function ed25519PublicKey(address: string): KeyObject {
  let key = publicKeys.get(address);
  if (!key) {
    key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI, decodeAddress(address)]),
      format: 'der',
      type: 'spki',
    });
    remember(publicKeys, address, key);
  }
  return key;
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
    // ed25519 first, by OpenSSL (a fraction of the wasm's time); anything it does not
    // accept goes to polkadot's check of every scheme, so no signature it takes is lost.
    if (signature.length === 64 && verify(null, message, ed25519PublicKey(address), signature))
      return true;
    return signatureVerify(message, signature, address).isValid;
  } catch {
    // A malformed signature or address is simply not a valid signature.
    return false;
  }
}
