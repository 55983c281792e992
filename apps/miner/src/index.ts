/**
 * `@mt/app-miner`: the miner side of the demo network.
 *
 * @packageDocumentation
 */

export { fitLeastSquares, type Line, sumSquaredError } from './line-fit.js';
export {
  type AnswerStrategy,
  type MinerNodeOptions,
  type ServedSubnet,
  startMinerNode,
} from './miner-node.js';
export { type RegressionStrategy, RegressionSubnet } from './regression-subnet.js';
export { seededRandom } from './seeded-random.js';
export { cheatingStrategy, lazyStrategy } from './strategies.js';
