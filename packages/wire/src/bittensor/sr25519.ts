import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '@mt/protocol';
import { ristretto255 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { base58 } from '@scure/base';
import * as sr25519 from '@scure/sr25519';
import { LRUCache } from 'lru-cache';
import { Ss58AddressError } from './errors.js';

/** The SS58 prefix Bittensor signs and verifies with (`42`, the generic Substrate one). */
export const BITTENSOR_SS58_PREFIX = 42;

const SS58_PRE = new TextEncoder().encode('SS58PRE');

function checksum(payload: Uint8Array): Uint8Array {
  // SS58's checksum: the first two bytes of BLAKE2b-512 over "SS58PRE" and the payload.
  return createHash('blake2b512').update(SS58_PRE).update(payload).digest().subarray(0, 2);
}

/**
 * A 32-byte public key as an SS58 address. Bittensor's wire signs over prefix
 * 42 for both hotkeys, whatever prefix a chain spec advertises.
 */
export function ss58Encode(publicKey: Uint8Array, prefix = BITTENSOR_SS58_PREFIX): string {
  if (publicKey.length !== 32) throw new InvalidArgumentError('publicKey', 'must be 32 bytes');
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 16_383)
    throw new InvalidArgumentError('prefix', 'must be an SS58 prefix from 0 to 16383');
  const head =
    prefix < 64
      ? [prefix]
      : [((prefix & 0b1111_1100) >> 2) | 0b0100_0000, (prefix >> 8) | ((prefix & 0b11) << 6)];
  const payload = new Uint8Array([...head, ...publicKey]);
  return base58.encode(new Uint8Array([...payload, ...checksum(payload)]));
}

/**
 * An SS58 address's public key and prefix, its checksum checked.
 *
 * @throws Ss58AddressError for anything that is not a 32-byte key's SS58 address.
 */
export function ss58Decode(address: string): { publicKey: Uint8Array; prefix: number } {
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(address);
  } catch {
    throw new Ss58AddressError(address, 'it is not base58');
  }
  const headLength = (bytes[0] ?? 0) & 0b0100_0000 ? 2 : 1;
  if (bytes.length !== headLength + 32 + 2)
    throw new Ss58AddressError(address, 'it does not hold a 32-byte key');
  const payload = bytes.subarray(0, headLength + 32);
  const sum = checksum(payload);
  if (sum[0] !== bytes[headLength + 32] || sum[1] !== bytes[headLength + 33])
    throw new Ss58AddressError(address, 'its checksum fails (a typo?)');
  const first = bytes[0] as number;
  const prefix =
    headLength === 1
      ? first
      : ((first & 0b0011_1111) << 2) |
        ((bytes[1] as number) >> 6) |
        (((bytes[1] as number) & 0b0011_1111) << 8);
  return { publicKey: payload.slice(headLength), prefix };
}

/** A message as btwallet signs it: a `0x…` hex string is its bytes, any other string its UTF-8. */
function messageBytes(message: string | Uint8Array): Uint8Array {
  if (typeof message !== 'string') return message;
  if (/^0x([0-9a-fA-F]{2})*$/.test(message)) return Buffer.from(message.slice(2), 'hex');
  return new TextEncoder().encode(message);
}

/**
 * An sr25519 hotkey, as Bittensor wallets hold them: a 32-byte seed (the
 * mini secret key), expanded as schnorrkel does. Signatures are made in the
 * `substrate` context and are randomized; the secret leaves the object only
 * through `exportSeed`.
 */
export class Sr25519Hotkey {
  readonly #seed: Uint8Array;
  readonly #secret: Uint8Array;
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** The SS58 address at prefix 42, the one Bittensor's wire signs over. */
  readonly address: string;

  private constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed);
    this.#secret = sr25519.secretFromSeed(seed);
    this.publicKey = sr25519.getPublicKey(this.#secret);
    this.address = ss58Encode(this.publicKey);
  }

  /** The key a 32-byte seed (btwallet's `secretSeed`, a mini secret key) expands to. */
  static fromSeed(seed: Uint8Array): Sr25519Hotkey {
    if (seed.length !== 32) throw new InvalidArgumentError('seed', 'must be 32 bytes');
    return new Sr25519Hotkey(seed);
  }

  /** A new random key. */
  static generate(): Sr25519Hotkey {
    return Sr25519Hotkey.fromSeed(randomBytes(32));
  }

  /**
   * The 32-byte seed, to make the same key elsewhere (a chain keypair:
   * `keypairFromSeed(seed, 'sr25519')` in `@mt/chain`). A copy; keep it secret.
   */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** Signs `message` (a string's UTF-8, as btwallet does); returns `0x` and 128 hex characters. */
  sign(message: string | Uint8Array): `0x${string}` {
    return `0x${Buffer.from(sr25519.sign(this.#secret, messageBytes(message))).toString('hex')}`;
  }
}

/**
 * Why `signature` is not `address`'s sr25519 signature of `message`, in the
 * words btwallet uses, or `undefined` when it is. A signature is `0x` and
 * 128 hex characters (either case); a signature over the message wrapped in
 * `<Bytes>…</Bytes>` (what some signers add) also verifies, as in btwallet.
 */
export function sr25519SignatureRefusal(
  address: string,
  message: string,
  signature: string,
): string | undefined {
  if (!/^0x[0-9a-fA-F]*$/.test(signature)) return 'Invalid signature format. Expected hex string.';
  if (signature.length !== 2 + 128) return 'Invalid signature';
  let key: SignerKey | undefined = knownKeys.get(address);
  if (key === undefined) {
    try {
      key = { publicKey: ss58Decode(address).publicKey };
    } catch (error) {
      if (Ss58AddressError.isInstance(error))
        return `Invalid SS58 address: ${address.slice(0, 64)}`;
      throw error;
    }
  }
  const bytes = Buffer.from(signature.slice(2), 'hex');
  for (const candidate of [message, `<Bytes>${message}</Bytes>`]) {
    try {
      if (sr25519Verify(address, key, messageBytes(candidate), bytes)) return undefined;
    } catch {
      // A signature whose point is not on the curve is no signature: not valid, not an error.
      return 'Invalid signature';
    }
  }
  return 'Signature mismatch';
}

const Ristretto = ristretto255.Point;
const ORDER = Ristretto.Fn.ORDER;
const utf8 = (text: string) => new TextEncoder().encode(text);
const SUBSTRATE = utf8('substrate');
const SCHNORR = utf8('Schnorr-sig');
const SIGN_PK = utf8('sign:pk');
const SIGN_R = utf8('sign:R');
const SIGN_C = utf8('sign:c');

/** A signer's public key, and once it has signed validly here, its point with multiplication tables. */
interface SignerKey {
  publicKey: Uint8Array;
  point?: InstanceType<typeof Ristretto>;
}

/**
 * Signers that signed validly here lately, by SS58 address: decoded once,
 * with their multiplication tables (built on first use, about 1 MB each): a
 * miner hears from the same few validators all day. Only keys whose
 * signature verified get in, so fresh keys cannot churn it into work.
 */
const knownKeys = new LRUCache<string, Required<SignerKey>>({ max: 32 });

/**
 * schnorrkel's verification, as `@scure/sr25519`'s `verify` computes it
 * (`R == s·B − k·A`, `k` from the same Merlin transcript), but in variable
 * time, which public inputs allow, and with each known key's point decoded
 * and tabled once: about 4× faster per signature (see `bench:sr25519`).
 * The transcript is `@scure/sr25519`'s own (`__tests.SigningContext`, pinned
 * with the package at an exact version), fed the key and `R` as sent: both
 * are canonical encodings, or decoding refuses them.
 *
 * @throws for a signature whose `R` is not a point (the caller reads it as invalid).
 */
function sr25519Verify(
  address: string,
  key: SignerKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.length !== 64 || ((signature[63] as number) & 0x80) === 0) return false;
  const sBytes = Uint8Array.from(signature.subarray(32));
  sBytes[31] = (sBytes[31] as number) & 0x7f;
  const s = bytesToNumberLE(sBytes);
  if (s >= ORDER) return false;
  const rBytes = signature.subarray(0, 32);
  const R = Ristretto.fromBytes(rBytes);
  const { publicKey } = key;
  const A = key.point ?? Ristretto.fromBytes(publicKey);
  if (A.equals(Ristretto.ZERO)) return false;
  const transcript = new sr25519.__tests.SigningContext('SigningContext');
  transcript.label(SUBSTRATE);
  transcript.bytes(message);
  transcript.protoName(SCHNORR);
  transcript.commitPoint(SIGN_PK, { toBytes: () => publicKey } as never);
  transcript.commitPoint(SIGN_R, { toBytes: () => rBytes } as never);
  const k = transcript.challengeScalar(SIGN_C);
  const valid = Ristretto.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).equals(R);
  if (valid && !key.point) knownKeys.set(address, { publicKey, point: A.precompute(8) });
  return valid;
}
