import { JsonParseError, KeyFileError, parseJson, SchemaValidationError } from '@mt/protocol';
import { readPrivateFile, writePrivateFile } from '@mt/protocol/node';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair$Json } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { z } from 'zod';
import { KeystoreError } from '../errors.js';
import { type ChainKeypair, SS58_PREFIX } from './keypair.js';

/** A polkadot-js keystore file is a few hundred bytes; anything far larger is not one. */
const KEYSTORE_MAX_BYTES = 16 * 1024;

/** What a polkadot-js keystore must hold before Keyring reads it; the rest is Keyring's to check. */
const keystoreSchema = z.looseObject({
  encoded: z.string(),
  address: z.string(),
  encoding: z.looseObject({ content: z.array(z.unknown()).optional() }),
});

/**
 * Writes `pair` as the encrypted keystore JSON polkadot-js writes (scrypt +
 * xsalsa20-poly1305, the format `polkadot{.js}` and Talisman import), mode
 * 0600, refusing to overwrite a file that exists. The secret never reaches
 * disk in the clear, nor any log.
 *
 * @example
 * ```ts
 * const { pair } = await generateKeypair();
 * await saveColdkey('coldkey.json', pair, process.env.MT_COLDKEY_PASSPHRASE!);
 * ```
 */
export async function saveColdkey(
  path: string,
  pair: ChainKeypair,
  passphrase: string,
): Promise<void> {
  if (passphrase.length < 8) {
    throw new KeystoreError(path, 'a coldkey passphrase needs at least 8 characters');
  }
  if (pair.isLocked) throw new KeystoreError(path, 'the pair is locked; unlock it before saving');
  const json = JSON.stringify(pair.toJson(passphrase), null, 2);
  await asKeystoreError(writePrivateFile(path, `${json}\n`));
}

/** A secret file's refusal, as this package's own error. */
async function asKeystoreError<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (KeyFileError.isInstance(error))
      throw new KeystoreError(error.path, error.problem, { cause: error });
    throw error;
  }
}

/**
 * Reads and unlocks a coldkey keystore (`saveColdkey`'s, or one exported
 * from polkadot-js). The file is read as `readPrivateFile` reads secrets
 * (a regular file of its owner's alone, bounded, never a link or a FIFO),
 * checked for the keystore shape, and decrypted with `passphrase`.
 *
 * @throws KeystoreError when it is missing, too large, not a keystore, or the passphrase is wrong.
 */
export async function loadColdkey(path: string, passphrase: string): Promise<ChainKeypair> {
  const text = await asKeystoreError(readPrivateFile(path, { maxBytes: KEYSTORE_MAX_BYTES }));
  let json: z.output<typeof keystoreSchema>;
  try {
    json = parseJson(text, keystoreSchema, { typeName: 'keystore' });
  } catch (error) {
    if (JsonParseError.isInstance(error) || SchemaValidationError.isInstance(error))
      throw new KeystoreError(path, 'is not a polkadot-js keystore (encoded, encoding, address)', {
        cause: error,
      });
    throw error;
  }
  await cryptoWaitReady();
  const [kind] = json.encoding.content?.slice(1) ?? [];
  const type = kind === 'ed25519' || kind === 'sr25519' || kind === 'ecdsa' ? kind : undefined;
  if (!type) throw new KeystoreError(path, 'names no key type this library signs with');
  let pair: ChainKeypair;
  try {
    pair = new Keyring({ type, ss58Format: SS58_PREFIX }).addFromJson(
      json as unknown as KeyringPair$Json,
    );
  } catch (error) {
    throw new KeystoreError(path, 'is not a readable keystore', { cause: error });
  }
  try {
    pair.unlock(passphrase);
  } catch (error) {
    throw new KeystoreError(path, 'the passphrase does not decrypt it', { cause: error });
  }
  return pair;
}
