/**
 * `@mt/app-validator`: the validator node (`ValidatorNode`) and its CLI,
 * `mt-validator`. The demo network that runs it is `@mt/app-demo`.
 *
 * @packageDocumentation
 */

export { runValidatorCli } from './run-validator-cli.js';
export { ValidatorMetrics } from './validator-metrics.js';
export { type MinerRound, ValidatorNode, type ValidatorNodeOptions } from './validator-node.js';
