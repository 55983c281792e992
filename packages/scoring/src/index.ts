/**
 * `@mt/scoring`: how a ModernTensor network judges work.
 *
 * - Yuma consensus bit-exact with subtensor: {@link runEpoch} (one pure epoch)
 *   and {@link YumaSimulator} (set weights, advance blocks, run epochs).
 * - Errors: {@link ScoringError} and {@link InvalidScoringInputError}, which
 *   names the bad field.
 *
 * @packageDocumentation
 */

export { type CliOutput, runYumaCli } from './cli/run-yuma-cli.js';
export {
  InsufficientConsensusError,
  InvalidScoringInputError,
  SCORING_ERROR_PREFIX,
  ScoringError,
} from './errors.js';
export { runEpoch } from './yuma/epoch.js';
export { fromU16Proportion, ONE as I32F32_ONE, toFloat, toU16Proportion } from './yuma/fixed.js';
export { maxUpscaleU16 } from './yuma/max-upscale.js';
export { describeEpoch, type EpochReport, toExactJson } from './yuma/report.js';
export {
  parseYumaScenario,
  replayScenario,
  scenarioSetup,
  type YumaScenario,
  yumaScenarioSchema,
} from './yuma/scenario.js';
export { YumaSimulator } from './yuma/simulator.js';
export type {
  EpochResult,
  LiquidAlphaParams,
  U16Entry,
  YumaParams,
  YumaState,
} from './yuma/types.js';
export { validateYumaInput } from './yuma/validate.js';
