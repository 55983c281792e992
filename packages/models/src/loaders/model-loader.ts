import type { ModelVersionInfo } from '../manager/types.js';

/** Turns a verified artifact folder into a loaded model for one framework. */
export interface ModelLoader<M = unknown> {
  /** Loads the model whose files are in `dir` (already checksum-verified). */
  load(dir: string, version: ModelVersionInfo): Promise<M>;
  /** Releases what `load` acquired, when the model leaves the cache. */
  dispose?(model: M): void | Promise<void>;
}
