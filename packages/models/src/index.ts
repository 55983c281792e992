/**
 * `@mt/models`.
 *
 * @packageDocumentation
 */

export { MODELS_ERROR_PREFIX, ModelError } from './errors.js';
