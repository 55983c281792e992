import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The file of a module to start in a worker thread, given its URL relative
 * to the caller (`new URL('./worker.js', import.meta.url)`). When the caller
 * runs from its TypeScript sources (as under vitest) the `.js` file is not in
 * `src/`, and worker threads cannot load TypeScript, so the built copy under
 * `dist/` is used instead.
 */
export function builtModulePath(url: URL): string {
  const path = fileURLToPath(url);
  if (existsSync(path)) return path;
  return path.replace(/([\\/])src([\\/])(?!.*[\\/]src[\\/])/, '$1dist$2');
}
