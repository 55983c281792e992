import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { InvalidArgumentError } from '@mt/protocol';
import { LRUCache } from 'lru-cache';
import { InvalidAddressError } from '../errors.js';
import { addressFromPublicKey, publicKeyFromAddress } from './address.js';
import { weakKeyReason } from './public-key-check.js';

// Not exported from the package: only this package's signer reads a hotkey's secret.
const SODIUM_SECRET = Symbol('sodium secret key');

// DER prefixes of an ed25519 key in PKCS#8 (private) and SPKI (public) form.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * An ed25519 hotkey: the identity a miner or validator signs with. Signing
 * and verification are `node:crypto`'s (OpenSSL); the address is printable.
 *
 * @example
 * ```ts
 * const key = Hotkey.generate();
 * const signature = key.sign(Buffer.from('hello'));
 * verifySignature(key.address, Buffer.from('hello'), signature); // true
 * ```
 */
export class Hotkey {
  readonly address: string;
  readonly publicKey: Uint8Array;
  readonly #privateKey: KeyObject;
  readonly #seed: Uint8Array;
  #sodiumSecret: Uint8Array | undefined;

  private constructor(seed: Uint8Array) {
    this.#seed = seed;
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const spki = createPublicKey(this.#privateKey).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(SPKI_PREFIX.length));
    this.address = addressFromPublicKey(this.publicKey);
  }

  /** A new random hotkey. */
  static generate(): Hotkey {
    return new Hotkey(new Uint8Array(randomBytes(32)));
  }

  /** The hotkey with the given 32-byte secret seed. */
  static fromSeed(seed: Uint8Array): Hotkey {
    if (seed.length !== 32)
      throw new InvalidArgumentError('seed', `an ed25519 seed has 32 bytes, got ${seed.length}`);
    return new Hotkey(new Uint8Array(seed));
  }

  /** The 32-byte secret seed. Keep it secret; `saveHotkey` writes it with mode 0600. */
  exportSeed(): Uint8Array {
    return new Uint8Array(this.#seed);
  }

  /** The 64-byte secret key in libsodium's layout (seed, then public key), for `SignerPool`. */
  get [SODIUM_SECRET](): Uint8Array {
    this.#sodiumSecret ??= Buffer.concat([this.#seed, this.publicKey]);
    return this.#sodiumSecret;
  }

  /** An ed25519 signature (64 bytes) of `message`. */
  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(cryptoSign(null, message, this.#privateKey));
  }
}

/** `hotkey`'s secret key in libsodium's layout; package-internal. */
export function secretKeyOf(hotkey: Hotkey): Uint8Array {
  return hotkey[SODIUM_SECRET];
}

/** A trusted public key: as `node:crypto` uses it, and as its 32 raw bytes. */
export interface TrustedKey {
  keyObject: KeyObject;
  publicKey: Uint8Array;
}

/** An address's public key, ready to verify with, or why it cannot be trusted. */
type VerifyingKey = { key: TrustedKey } | { refused: InvalidAddressError };

// Decoding an address and checking its point cost more than verifying with the
// key, so the outcome is kept for the addresses seen most recently; bounded.
const verifyingKeys = new LRUCache<string, VerifyingKey>({ max: 10_000 });

/**
 * The public key `address` names, checked once and then cached: a malformed
 * address or a weak key (small order, non-canonical; see `weakKeyReason`)
 * throws {@link InvalidAddressError}.
 */
export function verifyingKeyOf(address: string): TrustedKey {
  let entry = verifyingKeys.get(address);
  if (entry === undefined) {
    entry = resolveVerifyingKey(address);
    verifyingKeys.set(address, entry);
  }
  if ('refused' in entry) throw entry.refused;
  return entry.key;
}

function resolveVerifyingKey(address: string): VerifyingKey {
  let raw: Uint8Array;
  try {
    raw = publicKeyFromAddress(address);
  } catch (error) {
    if (InvalidAddressError.isInstance(error)) return { refused: error };
    throw error;
  }
  const weak = weakKeyReason(raw);
  if (weak !== undefined) return { refused: new InvalidAddressError(address, weak, 'weak_key') };
  return {
    key: {
      keyObject: createPublicKey({
        key: Buffer.concat([SPKI_PREFIX, raw]),
        format: 'der',
        type: 'spki',
      }),
      publicKey: raw,
    },
  };
}

/**
 * True when `signature` is `address`'s ed25519 signature of `message`. Never
 * throws for bad input: a malformed address or a weak key cannot have signed.
 */
export function verifySignature(
  address: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64) return false;
  let key: KeyObject;
  try {
    key = verifyingKeyOf(address).keyObject;
  } catch (error) {
    if (InvalidAddressError.isInstance(error)) return false;
    throw error;
  }
  return cryptoVerify(null, message, key, signature);
}
