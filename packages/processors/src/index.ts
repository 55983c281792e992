/**
 * `@mt/processors`.
 *
 * @packageDocumentation
 */

export { PROCESSORS_ERROR_PREFIX, ProcessorError } from './errors.js';
