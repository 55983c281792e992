import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyFileError, parseJson } from '@mt/protocol';
import { Hotkey } from './hotkey.js';

interface KeyFileContents {
  type: 'moderntensor-hotkey';
  version: 1;
  address: string;
  seed: string;
}

/**
 * Writes `key` to `path` as JSON with mode 0600. An existing file is never
 * overwritten: losing a key by accident cannot be undone.
 */
export async function saveHotkey(key: Hotkey, path: string): Promise<void> {
  const contents: KeyFileContents = {
    type: 'moderntensor-hotkey',
    version: 1,
    address: key.address,
    seed: Buffer.from(key.exportSeed()).toString('hex'),
  };
  try {
    await writeFile(path, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    // `mode` is filtered by the umask, which can only remove bits; make it exact anyway.
    await chmod(path, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'EEXIST'
        ? 'already exists; refusing to overwrite a key (move it away first)'
        : 'could not be written';
    throw new KeyFileError(path, problem, { cause: error });
  }
}

/**
 * Reads a hotkey written by {@link saveHotkey}. Refuses a file that group or
 * others can read or write (run `chmod 600` on it), and one whose address does
 * not match its seed.
 */
export async function loadHotkey(path: string): Promise<Hotkey> {
  let text: string;
  try {
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new KeyFileError(
        path,
        `is accessible to other users (mode ${(info.mode & 0o777).toString(8)}); run 'chmod 600 ${path}'`,
      );
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (KeyFileError.isInstance(error)) throw error;
    throw new KeyFileError(path, 'could not be read', { cause: error });
  }
  let contents: Partial<KeyFileContents>;
  try {
    contents = parseJson(text) as Partial<KeyFileContents>;
  } catch (error) {
    throw new KeyFileError(path, 'is not JSON', { cause: error });
  }
  if (
    contents.type !== 'moderntensor-hotkey' ||
    contents.version !== 1 ||
    typeof contents.seed !== 'string'
  ) {
    throw new KeyFileError(path, 'is not a ModernTensor hotkey file (version 1)');
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
 * The hotkey in `path`, or a new one saved there (mode 0600, folders made)
 * when the file does not exist yet: what a miner or validator does on its
 * first start.
 */
export async function loadOrCreateHotkey(path: string): Promise<Hotkey> {
  if (existsSync(path)) return loadHotkey(path);
  const key = Hotkey.generate();
  await mkdir(dirname(path), { recursive: true });
  await saveHotkey(key, path);
  return key;
}
