import {
  formatIssues,
  JsonParseError,
  parseJson,
  parseWith,
  SchemaValidationError,
} from '@mt/protocol';
import { hexToU8a, isHex, stringToU8a, u8aToHex } from '@polkadot/util';
import { z } from 'zod';
import { ChainRejectedError, ChainSignatureError } from '../errors.js';
import type { ChainKeypair } from '../keys/keypair.js';
import {
  addressOf,
  chainCryptoReady,
  signWithChainKey,
  verifyChainSignatureNow,
} from '../keys/keypair.js';

/** A signed call is a few hundred bytes; 64 KiB leaves room for 65,535-UID weights and nothing silly. */
export const SIGNED_CALL_MAX_BYTES = 64 * 1024;

const u16 = z.number().int().min(0).max(65_535);
const U64_MAX = 2n ** 64n - 1n;
/** A u64 in decimal: 20 digits are not enough of a check, 99,999,999,999,999,999,999 has 20 too. */
const u64String = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,19})$/, 'a u64 in decimal')
  .refine((text) => BigInt(text) <= U64_MAX, 'a u64: at most 18446744073709551615');
const address = z.string().min(1).max(64);
const hyperparameters = z
  .object({
    tempo: z.number().int().min(1).max(65_535),
    commitRevealEnabled: z.boolean(),
    commitRevealPeriod: z.number().int().min(1).max(65_535),
    weightsRateLimit: z.number().int().min(0).max(1_000_000),
    maxAllowedUids: z.number().int().min(1).max(4096),
    maxAllowedValidators: z.number().int().min(1).max(4096),
    immunityPeriod: z.number().int().min(0).max(65_535),
    targetRegistrationsPerInterval: z.number().int().min(1).max(65_535),
    maxRegistrationsPerBlock: z.number().int().min(1).max(65_535),
    weightsVersionKey: u64String,
    activityCutoff: z.number().int().min(1).max(65_535),
    bondsResetEnabled: z.boolean(),
  })
  .partial()
  .strict();

/** Every call `LocalChain` runs, with its arguments; amounts are decimal strings. */
export const localCallSchema = z.discriminatedUnion('name', [
  z
    .object({ name: z.literal('setBalance'), args: z.object({ address, rao: u64String }).strict() })
    .strict(),
  z
    .object({ name: z.literal('createSubnet'), args: z.object({ hotkey: address }).strict() })
    .strict(),
  z
    .object({
      name: z.literal('transfer'),
      args: z.object({ to: address, rao: u64String }).strict(),
    })
    .strict(),
  z.object({ name: z.literal('resetBonds'), args: z.object({ netuid: u16 }).strict() }).strict(),
  z
    .object({
      name: z.literal('setHyperparameters'),
      args: z.object({ netuid: u16, params: hyperparameters }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('register'),
      args: z.object({ netuid: u16, hotkey: address }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('publishEndpoint'),
      args: z.object({ netuid: u16, url: z.string().max(256) }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('addStake'),
      args: z.object({ netuid: u16, hotkey: address, rao: u64String }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('removeStake'),
      args: z.object({ netuid: u16, hotkey: address, rao: u64String }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('setWeights'),
      args: z
        .object({
          netuid: u16,
          uids: z.array(u16).max(65_535),
          values: z.array(u16).max(65_535),
          versionKey: u64String,
        })
        .strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('commitWeights'),
      args: z.object({ netuid: u16, hash: z.string().regex(/^0x[0-9a-f]{64}$/) }).strict(),
    })
    .strict(),
  z
    .object({
      name: z.literal('revealWeights'),
      args: z
        .object({
          netuid: u16,
          uids: z.array(u16).max(65_535),
          values: z.array(u16).max(65_535),
          salt: z.array(u16).max(64),
          versionKey: u64String,
        })
        .strict(),
    })
    .strict(),
]);

/** A call of {@link localCallSchema}. */
export type LocalCall = z.infer<typeof localCallSchema>;

/** The shape of a {@link SignedLocalCall}, checked before its signature. */
export const signedLocalCallSchema = z
  .object({
    /** The chain's genesis id: a call signed for one chain file is refused by every other. */
    chain: z.string().regex(/^0x[0-9a-f]{32}$/),
    signer: address,
    nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    call: localCallSchema,
    signature: z.string().max(200),
  })
  .strict();

/**
 * A call as it travels to a `LocalChain`: who signs, for which chain, with
 * which nonce, and the signature over all of it. Any process can hand one
 * to `LocalChain.submit`; only the holder of `signer`'s secret can make one.
 */
export type SignedLocalCall = z.infer<typeof signedLocalCallSchema>;

/** The bytes a signer signs: a domain tag, then the call as JSON in a fixed key order. */
function signingPayload(unsigned: Omit<SignedLocalCall, 'signature'>): Uint8Array {
  return stringToU8a(
    `mt-local-chain/1\n${JSON.stringify([unsigned.chain, unsigned.signer, unsigned.nonce, unsigned.call])}`,
  );
}

/** Signs `call` with `key` for chain `chain` at `nonce`. */
export function signLocalCall(
  key: ChainKeypair,
  chain: string,
  nonce: number,
  call: LocalCall,
): SignedLocalCall {
  // Signed in the schema's own form (its key order, no undefined), the form the verifier re-reads.
  let checked: LocalCall;
  try {
    checked = parseWith('call', localCallSchema, call);
  } catch (error) {
    if (!SchemaValidationError.isInstance(error)) throw error;
    throw new ChainRejectedError('call', formatIssues(error.issues, '(call)'));
  }
  const unsigned = { chain, signer: addressOf(key), nonce, call: checked };
  return { ...unsigned, signature: u8aToHex(signWithChainKey(key, signingPayload(unsigned))) };
}

/**
 * Reads a signed call from a peer: bounded in size and depth, checked against
 * the schema, and its signature verified, in that order, before anything
 * looks at what it asks for.
 *
 * @throws ChainSignatureError when it is too large, malformed, or not signed by its signer.
 */
export async function readSignedLocalCall(input: unknown): Promise<SignedLocalCall> {
  await chainCryptoReady();
  const signed = parseSignedLocalCall(input);
  verifySignedLocalCall(signed);
  return signed;
}

/**
 * Checks that `signed` is its signer's signature over its call. The crypto
 * must be ready ({@link chainCryptoReady}): this runs inside a transaction.
 *
 * @throws ChainSignatureError when it is not.
 */
export function verifySignedLocalCall(signed: SignedLocalCall): void {
  if (!isHex(signed.signature)) throw new ChainSignatureError('the signature is not hex');
  const { signature, ...unsigned } = signed;
  if (!verifyChainSignatureNow(signingPayload(unsigned), hexToU8a(signature), signed.signer)) {
    throw new ChainSignatureError(`the signature is not ${signed.signer}'s over this call`);
  }
}

function parseSignedLocalCall(input: unknown): SignedLocalCall {
  try {
    if (typeof input !== 'string' && !(input instanceof Uint8Array))
      return parseWith('signed call', signedLocalCallSchema, input);
    const size = typeof input === 'string' ? Buffer.byteLength(input) : input.byteLength;
    if (size > SIGNED_CALL_MAX_BYTES) {
      throw new ChainSignatureError(`the call is ${size} bytes; at most ${SIGNED_CALL_MAX_BYTES}`);
    }
    return parseJson(input, signedLocalCallSchema, { typeName: 'signed call' });
  } catch (error) {
    if (JsonParseError.isInstance(error))
      throw new ChainSignatureError(`the call is not JSON (${error.message})`);
    if (SchemaValidationError.isInstance(error))
      throw new ChainSignatureError(
        `the call has the wrong shape: ${formatIssues(error.issues, '(call)')}`,
      );
    throw error;
  }
}
