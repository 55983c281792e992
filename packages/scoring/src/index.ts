/**
 * `@mt/scoring`.
 *
 * @packageDocumentation
 */

export { SCORING_ERROR_PREFIX, ScoringError } from './errors.js';
