/**
 * `@mt/app-miner`: the miner side of the demo network.
 *
 * @packageDocumentation
 */

export { fitLeastSquares, type Line, sumSquaredError } from './line-fit.js';
export { type RegressionStrategy, RegressionSubnet } from './regression-subnet.js';
export { seededRandom } from './seeded-random.js';
