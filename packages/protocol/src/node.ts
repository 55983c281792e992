/**
 * `@mt/protocol/node`: the helpers that need Node's file system, kept apart
 * so that `@mt/protocol` itself loads in a browser. Key files written
 * private, package versions for `--version`, and the built path of a
 * worker-thread module.
 *
 * @packageDocumentation
 */

export { builtModulePath } from './runtime/built-module-path.js';
export { packageVersion } from './runtime/package-version.js';
export {
  type ReadPrivateFileOptions,
  readPrivateFile,
  writePrivateFile,
} from './runtime/private-file.js';
