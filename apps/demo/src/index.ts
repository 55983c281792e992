/**
 * `@mt/app-demo`: the demo network `npm start` runs (`runDemoNetwork`), its
 * live dashboard (`startDashboard`) and its report (`renderReport`).
 *
 * @packageDocumentation
 */

export { type Dashboard, type DashboardOptions, startDashboard } from './dashboard.js';
export { renderReport } from './dashboard-page.js';
export { poolImage, trainDigits } from './digits.js';
export { standings } from './report.js';
export {
  DEMO_MINERS,
  DEMO_SUBNETS,
  type DemoOptions,
  type DemoRun,
  runDemoNetwork,
} from './run-network.js';
