import { bnToU8a, compactToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { ChainRejectedError } from '../errors.js';
import { accountId } from '../keys/keypair.js';
import { checkU16Weights, type U16Weights } from './u16-weights.js';

/** What a validator reveals after committing: its weights, the salt that hid them, and the version key. */
export interface WeightReveal extends U16Weights {
  /** u16 values chosen at random per commit; the SDK uses 8. */
  salt: number[];
  /** The subnet's `WeightsVersionKey` the weights were made for. */
  versionKey: bigint;
}

function u16Vec(values: readonly number[]): Uint8Array {
  return u8aConcat(
    compactToU8a(values.length),
    ...values.map((v) => bnToU8a(v, { bitLength: 16 })),
  );
}

/**
 * The hash `commit_weights` takes, as subtensor computes it:
 * `blake2_256(SCALE(hotkey: AccountId32, netuid: u16, uids: Vec<u16>,
 * values: Vec<u16>, salt: Vec<u16>, version_key: u64))`, as 0x-hex. Checked
 * against the runtime itself by the conformance suite (a reveal of it is
 * accepted on spec 202 and spec 218).
 */
export function weightCommitHash(
  hotkey: string,
  netuid: number,
  reveal: WeightReveal,
): `0x${string}` {
  checkU16Weights(reveal, 'reveal');
  if (!Number.isInteger(netuid) || netuid < 0 || netuid > 65_535) {
    throw new ChainRejectedError('netuid', `is ${netuid}, not a u16`);
  }
  reveal.salt.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s > 65_535)
      throw new ChainRejectedError(`salt[${i}]`, `is ${s}, not a u16`);
  });
  if (reveal.versionKey < 0n || reveal.versionKey >= 2n ** 64n) {
    throw new ChainRejectedError('versionKey', 'is not a u64');
  }
  const encoded = u8aConcat(
    accountId(hotkey),
    bnToU8a(netuid, { bitLength: 16 }),
    u16Vec(reveal.uids),
    u16Vec(reveal.values),
    u16Vec(reveal.salt),
    bnToU8a(reveal.versionKey, { bitLength: 64 }),
  );
  return u8aToHex(blake2AsU8a(encoded, 256)) as `0x${string}`;
}

/** A fresh random salt for {@link weightCommitHash}: 8 u16 values, as Bittensor's SDK makes. */
export function randomSalt(): number[] {
  return Array.from(crypto.getRandomValues(new Uint16Array(8)));
}
