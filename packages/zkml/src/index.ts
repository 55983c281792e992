/**
 * `@mt/zkml`.
 *
 * @packageDocumentation
 */

export { ZKML_ERROR_PREFIX, ZkmlError } from './errors.js';
