import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { ArtifactTamperedError, PathEscapeError } from '../errors.js';
import { type ArtifactDigest, digestOf, hashFiles, listFiles } from './content-hash.js';

/**
 * Files on disk, addressed by content hash and kept apart from the metadata:
 * `<root>/<hash>/...`. An import copies into a private staging folder, hashes
 * it, and renames it into place in one step, so a crash mid-import leaves only
 * a staging folder (removed by a later open once its importer is gone) and
 * never a half artifact.
 */
export class ArtifactStore {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /**
   * Opens the store at `root`, clearing staging folders that crashed imports
   * left: those of importers on this host that are no longer running, and any
   * older than a day. A live import's folder is never touched.
   */
  static async open(root: string): Promise<ArtifactStore> {
    await mkdir(root, { recursive: true });
    for (const entry of await readdir(root)) {
      if (entry.startsWith(STAGING_PREFIX) && (await isAbandoned(join(root, entry), entry))) {
        await rm(join(root, entry), { recursive: true, force: true });
      }
    }
    return new ArtifactStore(root);
  }

  /** Copies a folder or file into the store and returns its digest. Importing the same content twice is free. */
  async import(source: string): Promise<ArtifactDigest> {
    const { root, files } = await listFiles(source);
    const staging = join(this.root, stagingName(process.pid, hostname()));
    try {
      // Created first, so that if it ever vanished the rename below fails
      // instead of publishing an empty artifact under the hash.
      await mkdir(staging);
      for (const file of files) {
        const target = join(staging, file.path);
        await mkdir(dirname(target), { recursive: true });
        await copyFile(join(root, file.path), target);
      }
      // Hash the copy, not the source: what is stored is what is vouched for.
      const digest = await hashFiles(staging, files);
      const destination = this.pathOf(digest.hash);
      if (await exists(destination)) await rm(staging, { recursive: true, force: true });
      else await rename(staging, destination);
      return digest;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  /** The folder of the artifact with `hash`. */
  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new PathEscapeError(hash, 'is not a content hash');
    return join(this.root, hash);
  }

  /** Recomputes the artifact's hash and throws {@link ArtifactTamperedError} if it changed. */
  async verify(hash: string, what: string): Promise<string> {
    const path = this.pathOf(hash);
    const actual = (await exists(path))
      ? (await digestOf(path)).hash
      : 'nothing (the files are gone)';
    if (actual !== hash) throw new ArtifactTamperedError(what, hash, actual);
    return path;
  }

  /** Removes an artifact's files when `inUse(hash)` says nothing refers to them any more. */
  async removeIfUnused(hash: string, inUse: (hash: string) => boolean): Promise<void> {
    if (!inUse(hash)) await rm(this.pathOf(hash), { recursive: true, force: true });
  }

  /** Resolves a relative path inside an artifact, refusing one that would leave it. */
  resolveInside(hash: string, relativePath: string): string {
    const normalized = normalize(relativePath);
    if (isAbsolute(relativePath) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
      throw new PathEscapeError(relativePath, 'leads outside the artifact');
    }
    return join(this.pathOf(hash), normalized);
  }
}

const STAGING_PREFIX = '.import-';
const DAY_MS = 24 * 60 * 60 * 1000;

/** `.import-<pid>@<host>@<uuid>`: '@' cannot occur in a host name, so the parts split cleanly. */
export function stagingName(pid: number, host: string): string {
  return `${STAGING_PREFIX}${pid}@${host}@${randomUUID()}`;
}

/** True for a staging folder whose importer (pid and host in its name) is gone, or that is over a day old. */
async function isAbandoned(path: string, name: string): Promise<boolean> {
  const [pid, host] = name.slice(STAGING_PREFIX.length).split('@');
  if (host === hostname() && pid !== undefined && !isRunning(Number(pid))) return true;
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > DAY_MS;
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
