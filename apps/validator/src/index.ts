/**
 * `@mt/app-validator`: the validator side of the demo network, and the demo
 * itself (`runDemoNetwork`, `renderReport`).
 *
 * @packageDocumentation
 */

export { type Dashboard, type DashboardOptions, startDashboard } from './demo/dashboard.js';
export { renderReport } from './demo/dashboard-page.js';
export { poolImage, trainDigits } from './demo/digits.js';
export { standings } from './demo/report.js';
export {
  DEMO_MINERS,
  DEMO_SUBNETS,
  type DemoOptions,
  type DemoRun,
  runDemoNetwork,
} from './demo/run-network.js';
export { formatTable } from './format-table.js';
export { ValidatorMetrics } from './validator-metrics.js';
export { type MinerRound, ValidatorNode, type ValidatorNodeOptions } from './validator-node.js';
