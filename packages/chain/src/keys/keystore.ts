import { open, readFile, stat } from 'node:fs/promises';
import { parseJson } from '@mt/protocol';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair$Json } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { KeystoreError } from '../errors.js';
import { type ChainKeypair, SS58_PREFIX } from './keypair.js';

/** A polkadot-js keystore file is a few hundred bytes; anything far larger is not one. */
const KEYSTORE_MAX_BYTES = 16 * 1024;

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
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'wx', 0o600);
  } catch (error) {
    throw new KeystoreError(path, 'cannot be created (it may exist already)', { cause: error });
  }
  try {
    await file.writeFile(`${json}\n`);
  } finally {
    await file.close();
  }
}

/**
 * Reads and unlocks a coldkey keystore (`saveColdkey`'s, or one exported
 * from polkadot-js). The file is bounded, checked for the keystore shape,
 * and decrypted with `passphrase`.
 *
 * @throws KeystoreError when it is missing, too large, not a keystore, or the passphrase is wrong.
 */
export async function loadColdkey(path: string, passphrase: string): Promise<ChainKeypair> {
  const size = await stat(path).then(
    (s) => s.size,
    (error: unknown) => {
      throw new KeystoreError(path, 'cannot be read', { cause: error });
    },
  );
  if (size > KEYSTORE_MAX_BYTES) {
    throw new KeystoreError(path, `is ${size} bytes; a keystore is under ${KEYSTORE_MAX_BYTES}`);
  }
  const json = parseJson(await readFile(path, 'utf8')) as Partial<KeyringPair$Json> | null;
  if (
    json === null ||
    typeof json !== 'object' ||
    typeof json.encoded !== 'string' ||
    typeof json.address !== 'string' ||
    typeof json.encoding !== 'object' ||
    json.encoding === null
  ) {
    throw new KeystoreError(path, 'is not a polkadot-js keystore (encoded, encoding, address)');
  }
  await cryptoWaitReady();
  const [kind] = (json.encoding as { content?: unknown[] }).content?.slice(1) ?? [];
  const type = kind === 'ed25519' || kind === 'sr25519' || kind === 'ecdsa' ? kind : undefined;
  if (!type) throw new KeystoreError(path, 'names no key type this library signs with');
  let pair: ChainKeypair;
  try {
    pair = new Keyring({ type, ss58Format: SS58_PREFIX }).addFromJson(json as KeyringPair$Json);
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
