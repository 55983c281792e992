/**
 * `@mt/scoring`: how a ModernTensor network judges work.
 *
 * - {@link AdvancedScorer}: multi-criteria scoring (simple, weighted, ensemble,
 *   reward model, comparative with Bradley-Terry).
 * - {@link ConsensusAggregator}: six ways to combine validators' scores, with
 *   modified Z-score outlier detection.
 * - Yuma consensus bit-exact with subtensor: {@link runEpoch} (one pure epoch)
 *   and {@link YumaSimulator} (set weights, advance blocks, run epochs).
 * - {@link WeightPolicy}: a validator's moving averages turned into weights.
 * - Errors: {@link ScoringError} and {@link InvalidScoringInputError}, which
 *   names the bad field.
 *
 * @packageDocumentation
 */

export { runYumaCli } from './cli/run-yuma-cli.js';
export {
  ConsensusAggregator,
  type ConsensusAggregatorOptions,
  ConsensusMethod,
  type ConsensusResult,
  type ValidatorDetail,
} from './consensus/consensus-aggregator.js';
export { modifiedZScores } from './consensus/modified-z-scores.js';
export {
  InsufficientConsensusError,
  InvalidScoringInputError,
  SCORING_ERROR_PREFIX,
  ScoringError,
  ScoringFailedError,
} from './errors.js';
export {
  AdvancedScorer,
  type AdvancedScorerOptions,
  type Comparator,
  type CriterionOptions,
  type RewardFunction,
  type ScoredPair,
} from './scorer/advanced-scorer.js';
export { bradleyTerry } from './scorer/bradley-terry.js';
export type { CriterionFunction, CriterionOutcome, ScoringCriterion } from './scorer/criterion.js';
export { ScoringMethod } from './scorer/scoring-method.js';
export {
  DEFAULT_ALPHA,
  DEFAULT_SHARPNESS,
  WeightPolicy,
  type WeightPolicyOptions,
} from './weights/weight-policy.js';
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
export {
  type EpochResult,
  type LiquidAlphaParams,
  type U16Entry,
  YUMA_DEFAULTS,
  type YumaParams,
  type YumaState,
} from './yuma/types.js';
export { validateYumaInput } from './yuma/validate.js';
