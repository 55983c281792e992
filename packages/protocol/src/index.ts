/**
 * `@mt/protocol`: the contract every ModernTensor package builds on.
 *
 * - Runtime schemas and `parse*` functions for {@link Task}, {@link Result},
 *   {@link Score}, {@link ValidatorScore} and the {@link Proof} envelope.
 * - The subnet contract by role: {@link SubnetMiner} and {@link SubnetValidator}.
 * - {@link MtError} and the typed errors, recognised across duplicate installs.
 *
 * @packageDocumentation
 */

export {
  addressRefusal,
  checkEndpointHost,
  type EndpointPolicy,
} from './endpoint/endpoint-policy.js';
export {
  CliUsageError,
  describeCause,
  EndpointRefusedError,
  type ErrorFamily,
  errorFamily,
  type FamilyErrorClass,
  type FamilyInvalidInputClass,
  formatIssues,
  InvalidArgumentError,
  type InvalidArgumentOptions,
  isMtErrorWithCode,
  JsonParseError,
  type JsonParseErrorCode,
  KeyFileError,
  MissingPeerError,
  MtError,
  type MtErrorOptions,
  type SchemaIssue,
  SchemaValidationError,
  TaskAbortedError,
  TaskValidationError,
} from './errors.js';
export { type LogFn, type MtLogger, silentLogger } from './logging/logger.js';
export { LatencyHistogram, type LatencySnapshot } from './metrics/latency-histogram.js';
export type {
  MinerServerObserver,
  MinerServerProbe,
  WireResponseEvent,
  WireStage,
} from './observer/miner-server-observer.js';
export { loadPeer, type PeerName, type PeerSpec, requirePeer } from './runtime/load-peer.js';
export { type OptionChecks, optionChecks } from './runtime/option-checks.js';
export {
  type JsonObject,
  type JsonValue,
  jsonObjectSchema,
  jsonValueSchema,
} from './schemas/json-value.js';
export { DEFAULT_MAX_JSON_DEPTH, type JsonLimits, parseJson } from './schemas/parse-json.js';
export { parseWith } from './schemas/parse-with.js';
export {
  type Proof,
  type ProofSystem,
  parseProof,
  proofSchema,
  proofSystems,
} from './schemas/proof.js';
export { parseResult, type Result, type ResultInput, resultSchema } from './schemas/result.js';
export { parseScore, type Score, type ScoreInput, scoreSchema } from './schemas/score.js';
export { parseTask, type Task, type TaskInput, taskSchema } from './schemas/task.js';
export {
  parseTaskContext,
  type TaskContext,
  type TaskContextInput,
  taskContextSchema,
} from './schemas/task-context.js';
export {
  parseValidatorScore,
  type ValidatorScore,
  type ValidatorScoreInput,
  validatorScoreSchema,
} from './schemas/validator-score.js';
export { newTask, resultOf, solveToResult } from './subnet/new-task.js';
export { raceWithSignal } from './subnet/race-with-signal.js';
export type {
  Judgement,
  Observation,
  ProofVerdict,
  Solution,
  SolveContext,
  SubnetIdentity,
  SubnetMiner,
  SubnetValidator,
} from './subnet/roles.js';
