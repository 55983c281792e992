/**
 * `@mt/app-miner`: the `mt-miner` program. The miner loop it runs is
 * `startMinerNode` in `@mt/neurons`.
 *
 * @packageDocumentation
 */

export { runMinerCli } from './run-miner-cli.js';
export { cheatingStrategy, lazyStrategy } from './strategies.js';
