import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KeyFileError } from '../errors.js';

/** Options of {@link readPrivateFile}. */
export interface ReadPrivateFileOptions {
  /** Largest file read, in bytes; a larger one is refused unread. */
  maxBytes: number;
}

const ON_POSIX = process.platform !== 'win32';

/**
 * Reads a secret file (a hotkey, a wallet, a keystore) the one safe way:
 * opened without following a symbolic link and without blocking (a FIFO or
 * a device given as a key file is refused, never waited on), then checked
 * on the open descriptor, so nothing can be swapped in between: a regular
 * file, at most `maxBytes`, readable and writable by its owner alone, in a
 * folder that no one else may write to (who can write the folder can
 * replace the key).
 *
 * @throws KeyFileError saying what is wrong and what to do.
 */
export async function readPrivateFile(
  path: string,
  options: ReadPrivateFileOptions,
): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(
      path,
      constants.O_RDONLY | (ON_POSIX ? constants.O_NOFOLLOW | constants.O_NONBLOCK : 0),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyFileError(
      path,
      code === 'ELOOP'
        ? 'is a symbolic link; give the file itself'
        : code === 'ENOENT'
          ? 'does not exist'
          : 'could not be opened',
      { cause: error },
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KeyFileError(path, 'is not a regular file');
    if (ON_POSIX && (info.mode & 0o077) !== 0) {
      throw new KeyFileError(
        path,
        `is accessible to other users (mode ${(info.mode & 0o777).toString(8)}); run 'chmod 600 ${path}'`,
      );
    }
    if (info.size > options.maxBytes)
      throw new KeyFileError(
        path,
        `is ${info.size} bytes; a key file is under ${options.maxBytes}`,
      );
    const folder = dirname(path);
    const folderMode = (await stat(folder)).mode;
    if (ON_POSIX && (folderMode & 0o022) !== 0) {
      throw new KeyFileError(
        path,
        `is in a folder others may write to (mode ${(folderMode & 0o777).toString(8)}), who could replace it; run 'chmod 700 ${folder}'`,
      );
    }
    const text = await handle.readFile({ encoding: 'utf8' });
    // The size was checked on this descriptor; a file grown since is still refused.
    if (Buffer.byteLength(text) > options.maxBytes)
      throw new KeyFileError(path, `grew past ${options.maxBytes} bytes while it was read`);
    return text;
  } catch (error) {
    if (KeyFileError.isInstance(error)) throw error;
    throw new KeyFileError(path, 'could not be read', { cause: error });
  } finally {
    await handle.close();
  }
}

/**
 * Writes a secret file: its folders created with mode 0700, the file
 * created with mode 0600 and never over an existing file or link.
 *
 * @throws KeyFileError when the file exists already or cannot be written.
 */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      // `mode` is filtered by the umask, which can only remove bits; make it exact anyway.
      await handle.chmod(0o600);
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KeyFileError(
      path,
      code === 'EEXIST'
        ? 'already exists; refusing to overwrite a key (move it away first)'
        : 'could not be written',
      { cause: error },
    );
  }
}
