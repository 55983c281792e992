import { MissingPeerError } from '../errors.js';

/** An optional peer dependency: which package, which versions, and who needs it. */
export interface PeerName {
  /** The npm package, e.g. `bullmq`. */
  name: string;
  /** The semver range the caller's package.json gives for it. */
  range: string;
  /** What needs it, in words, for the error: `BullJobQueue (jobs on Redis)`. */
  feature: string;
}

/** What {@link loadPeer} needs to know to load an optional peer dependency. */
export interface PeerSpec<T> extends PeerName {
  /**
   * Imports it: `() => import('bullmq')`, written in the caller's package so
   * the specifier resolves from there and bundlers see it.
   */
  load: () => Promise<T>;
}

/**
 * Loads an optional peer dependency the first time a feature needs it, and
 * turns "module not found" for that package into a {@link MissingPeerError}
 * saying what to install. Any other failure (the package is there but broken,
 * or one of its own dependencies is missing) is rethrown as it is.
 *
 * @example
 * ```ts
 * const { Queue } = await loadPeer({
 *   name: 'bullmq', range: '^5.0.0', feature: 'BullJobQueue', load: () => import('bullmq'),
 * });
 * ```
 */
export async function loadPeer<T>(spec: PeerSpec<T>): Promise<T> {
  try {
    return await spec.load();
  } catch (error) {
    if (isNotFound(error, spec.name)) {
      throw new MissingPeerError(spec.name, spec.range, spec.feature, { cause: error });
    }
    throw error;
  }
}

/**
 * Checks, without loading it, that an optional peer is installed: for code
 * that loads the peer somewhere else (a worker thread) and wants the typed
 * error here, at once. `resolve` is written in the caller's package:
 * `() => createRequire(import.meta.url).resolve('onnxruntime-node')`.
 *
 * @throws MissingPeerError when the package is not installed.
 */
export function requirePeer(spec: PeerName & { resolve: () => string }): string {
  try {
    return spec.resolve();
  } catch (error) {
    if (isNotFound(error, spec.name)) {
      throw new MissingPeerError(spec.name, spec.range, spec.feature, { cause: error });
    }
    throw error;
  }
}

function isNotFound(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Node names the package it could not find: "Cannot find package 'bullmq'"
  // (import) or "Cannot find module 'bullmq'" (require.resolve).
  return typeof message === 'string' && message.includes(`'${name}'`);
}
