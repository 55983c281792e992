import { lstat } from 'node:fs/promises';
import { JsonParseError, KeyFileError, parseJson, SchemaValidationError } from '@mt/protocol';
import { readPrivateFile, writePrivateFile } from '@mt/protocol/node';
import { z } from 'zod';
import { Hotkey } from './hotkey.js';

/** A hotkey file is about 200 bytes; anything far larger is not one. */
const KEY_FILE_MAX_BYTES = 4 * 1024;

const keyFileSchema = z.looseObject({
  type: z.literal('moderntensor-hotkey'),
  version: z.literal(1),
  address: z.string(),
  seed: z.string(),
});
type KeyFileContents = z.output<typeof keyFileSchema>;

/**
 * Writes `key` to `path` as JSON with mode 0600, its missing folders with
 * mode 0700. An existing file is never overwritten: losing a key by
 * accident cannot be undone.
 */
export async function saveHotkey(key: Hotkey, path: string): Promise<void> {
  const contents: KeyFileContents = {
    type: 'moderntensor-hotkey',
    version: 1,
    address: key.address,
    seed: Buffer.from(key.exportSeed()).toString('hex'),
  };
  await writePrivateFile(path, `${JSON.stringify(contents, null, 2)}\n`);
}

/**
 * Reads a hotkey written by {@link saveHotkey}, as `readPrivateFile` reads
 * secrets: a regular file (never a link, FIFO or device) that only its owner
 * can read or write (run `chmod 600` on it), in a folder only its owner can
 * write. Refuses one whose address does not match its seed.
 */
export async function loadHotkey(path: string): Promise<Hotkey> {
  const text = await readPrivateFile(path, { maxBytes: KEY_FILE_MAX_BYTES });
  let contents: KeyFileContents;
  try {
    contents = parseJson(text, keyFileSchema, { typeName: 'hotkey file' });
  } catch (error) {
    if (JsonParseError.isInstance(error))
      throw new KeyFileError(path, 'is not JSON', { cause: error });
    if (SchemaValidationError.isInstance(error))
      throw new KeyFileError(path, 'is not a ModernTensor hotkey file (version 1)', {
        cause: error,
      });
    throw error;
  }
  if (!/^[0-9a-f]{64}$/.test(contents.seed))
    throw new KeyFileError(path, 'holds a seed that is not 32 hex bytes');
  const key = Hotkey.fromSeed(Buffer.from(contents.seed, 'hex'));
  if (contents.address !== key.address) {
    throw new KeyFileError(
      path,
      `says address ${contents.address} but its seed gives ${key.address}; the file is corrupt`,
    );
  }
  return key;
}

/**
 * The hotkey in `path`, or a new one saved there (mode 0600, folders made
 * with mode 0700) when nothing is there yet: what a miner or validator does
 * on its first start. Anything at `path`, a dangling link included, is read
 * as a key file (and refused if it is not one), never written over.
 */
export async function loadOrCreateHotkey(path: string): Promise<Hotkey> {
  const present = await lstat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw new KeyFileError(path, 'could not be read', { cause: error });
    },
  );
  if (present) return loadHotkey(path);
  const key = Hotkey.generate();
  await saveHotkey(key, path);
  return key;
}
