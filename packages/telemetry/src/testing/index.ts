/**
 * `@mt/telemetry/testing`: checks for tests of metrics exporters, kept off
 * the main entry so programs never load them.
 *
 * @packageDocumentation
 */
export { findPromtool, type PromtoolVerdict, promtoolCheck } from './promtool.js';
