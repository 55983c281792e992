import {
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { addressFromPublicKey, publicKeyFromAddress } from './address.js';

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
      throw new RangeError(`an ed25519 seed has 32 bytes, got ${seed.length}`);
    return new Hotkey(new Uint8Array(seed));
  }

  /** The 32-byte secret seed. Keep it secret; `saveHotkey` writes it with mode 0600. */
  exportSeed(): Uint8Array {
    return new Uint8Array(this.#seed);
  }

  /** An ed25519 signature (64 bytes) of `message`. */
  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(cryptoSign(null, message, this.#privateKey));
  }
}

// Parsing a public key costs more than verifying with it, so parsed keys are kept
// for the addresses seen most recently; the cache is bounded.
const publicKeys = new LRUCache<string, KeyObject>({ max: 10_000 });

/** True when `signature` is `address`'s ed25519 signature of `message`. Never throws for bad input. */
export function verifySignature(
  address: string,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  let key = publicKeys.get(address);
  if (key === undefined) {
    let raw: Uint8Array;
    try {
      raw = publicKeyFromAddress(address);
    } catch {
      // An address that does not decode cannot have signed anything.
      return false;
    }
    key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    publicKeys.set(address, key);
  }
  if (signature.length !== 64) return false;
  return cryptoVerify(null, message, key, signature);
}
