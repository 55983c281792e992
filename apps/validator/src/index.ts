/**
 * `@mt/app-validator`: the validator side of the demo network, and the demo
 * itself (`runDemoNetwork`, `renderReport`).
 *
 * @packageDocumentation
 */

export { poolImage, trainDigits } from './demo/digits.js';
export { renderReport, standings } from './demo/report.js';
export {
  DEMO_MINERS,
  DEMO_SUBNETS,
  type DemoOptions,
  type DemoRun,
  runDemoNetwork,
} from './demo/run-network.js';
export { formatTable } from './format-table.js';
export { type MinerRound, ValidatorNode, type ValidatorNodeOptions } from './validator-node.js';
