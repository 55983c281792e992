/**
 * `@mt/subnets`.
 *
 * @packageDocumentation
 */

export { SUBNETS_ERROR_PREFIX, SubnetError } from './errors.js';
