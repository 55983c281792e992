import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@mt/protocol';
import { createBase58check } from '@scure/base';
import { InvalidAddressError } from '../errors.js';

const PREFIX = 'mt';
const base58check = createBase58check(
  (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest()),
);

/**
 * The printable address of an ed25519 public key: `mt` followed by the
 * base58check encoding of the 32 key bytes, so a mistyped character fails the
 * checksum instead of naming another key.
 */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32)
    throw new InvalidArgumentError(
      'publicKey',
      `an ed25519 public key has 32 bytes, got ${publicKey.length}`,
    );
  return PREFIX + base58check.encode(publicKey);
}

/** The public key an address names; throws {@link InvalidAddressError} for anything else. */
export function publicKeyFromAddress(address: string): Uint8Array {
  if (!address.startsWith(PREFIX))
    throw new InvalidAddressError(address, `it must start with '${PREFIX}'`);
  let bytes: Uint8Array;
  try {
    bytes = base58check.decode(address.slice(PREFIX.length));
  } catch (error) {
    throw new InvalidAddressError(
      address,
      `bad base58check encoding (${(error as Error).message})`,
    );
  }
  if (bytes.length !== 32)
    throw new InvalidAddressError(address, `it encodes ${bytes.length} bytes, not 32`);
  return bytes;
}
