import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { PathEscapeError } from '../errors.js';

/** A file of an artifact, by its path relative to the artifact's root. */
export interface ArtifactFile {
  path: string;
  size: number;
}

/** The identity of an artifact: its content hash, total size and files. */
export interface ArtifactDigest {
  hash: string;
  size: number;
  files: ArtifactFile[];
}

/**
 * Lists the plain files of a folder (or the one file), sorted by relative
 * path with `/` separators. A symbolic link is refused: it could point out of
 * the artifact, and its target could change after the hash was taken.
 */
export async function listFiles(source: string): Promise<{ root: string; files: ArtifactFile[] }> {
  const info = await lstat(source);
  if (info.isSymbolicLink()) throw new PathEscapeError(source, 'is a symbolic link');
  if (info.isFile())
    return { root: join(source, '..'), files: [{ path: basename(source), size: info.size }] };
  const files: ArtifactFile[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) throw new PathEscapeError(full, 'is a symbolic link');
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        files.push({
          path: relative(source, full).split(sep).join('/'),
          size: (await lstat(full)).size,
        });
      }
    }
  };
  await walk(source);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { root: source, files };
}

/**
 * SHA-256 over every file in path order: for each, its relative path, its size
 * and its bytes. Names count (renaming a file changes the hash) and no file is
 * skipped, whatever its size.
 */
export async function hashFiles(
  root: string,
  files: readonly ArtifactFile[],
): Promise<ArtifactDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for (const file of files) {
    hash.update(`${file.path}\u0000${file.size}\u0000`);
    for await (const chunk of createReadStream(join(root, file.path))) hash.update(chunk as Buffer);
    size += file.size;
  }
  return { hash: hash.digest('hex'), size, files: [...files] };
}

/** The digest of a folder or file on disk. */
export async function digestOf(source: string): Promise<ArtifactDigest> {
  const { root, files } = await listFiles(source);
  return hashFiles(root, files);
}
