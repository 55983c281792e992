import type { JsonObject } from '../schemas/json-value.js';
import type { Proof } from '../schemas/proof.js';
import type { Result } from '../schemas/result.js';
import type { Task } from '../schemas/task.js';
import type { TaskContextInput } from '../schemas/task-context.js';

// The subnet contract, split by role. A miner implements `SubnetMiner`; a
// validator implements `SubnetValidator`. Neither knows the wire, the chain
// or the other role's models: a text-generation miner loads only its
// generator. Caching, retries, deadlines and metrics are wrappers around a
// `SubnetMiner` (in `@mt/subnets`), not a superclass.

/** Name and version of a subnet, shared by its two roles. */
export interface SubnetIdentity {
  /** Short unique name, e.g. `text-generation`: the task type on the wire. */
  readonly name: string;
  /** Semantic version of the subnet's task and scoring rules. */
  readonly version: string;
}

/** What a miner is told about the task it solves. */
export interface SolveContext {
  /** Fires at the task's deadline or when the validator goes away: stop the work, down to its worker. */
  signal: AbortSignal;
  /** When the validator stops waiting, in ms since the epoch. */
  deadline: number;
}

/** A miner's answer to a task; the node stamps it into a `Result`. */
export interface Solution {
  resultData: JsonObject;
  proof?: Proof;
  metadata?: JsonObject;
}

/**
 * What a miner implements for one subnet. `task` has already been checked
 * against the `Task` schema (once, at the wire); `solveTask` checks the
 * subnet's own rules for `taskData` (throwing `TaskValidationError`) and
 * answers before `context.signal` fires.
 *
 * @example
 * ```ts
 * const echoMiner: SubnetMiner = {
 *   name: 'echo',
 *   version: '1.0.0',
 *   async solveTask(task) {
 *     return { resultData: { text: String(task.taskData.text) } };
 *   },
 * };
 * ```
 */
export interface SubnetMiner extends SubnetIdentity {
  /**
   * Whether the same `taskData` always gets the same answer (default true).
   * Caches skip miners that say no, such as sampling without a seed.
   */
  readonly deterministic?: boolean;
  /** Solves `task` before `context.deadline`, stopping when `context.signal` fires. */
  solveTask(task: Task, context: SolveContext): Promise<Solution>;
  /** Releases models and threads. */
  close?(): Promise<void>;
}

/** The verdict on an answer's proof, with a stable code when it is refused. */
export type ProofVerdict =
  | { valid: true; code?: undefined; reason?: undefined }
  | { valid: false; code: string; reason: string };

/**
 * What a validator saw of one answer by itself. This, never what the miner
 * says about itself, is what speed and proofs are scored from.
 */
export interface Observation {
  /** From sending the task to the verified answer, measured by the validator. */
  latencyMs: number;
  /** The time the task allowed, in ms. */
  timeoutMs: number;
  /** For subnets with proofs: the validator's own verdict, from `verifyProof` (run once). */
  proof?: ProofVerdict;
}

/** A validator's judgement of one answer. */
export interface Judgement {
  /** In [0, 1]. */
  value: number;
  /** In [0, 1]; defaults to 1. */
  confidence?: number;
  /** Why, for people and dashboards: e.g. `{ code: 'wrong_input', reason: '…' }`. */
  metadata?: JsonObject;
}

/**
 * What a validator implements for one subnet: create tasks, and score a
 * miner's answer from the task, the answer and the validator's own
 * observation of it. Subnets with proofs also implement `verifyProof`, which
 * the validator calls once per answer and passes on in the observation.
 */
export interface SubnetValidator extends SubnetIdentity {
  /** A new task for `context`, with an id, a creation time and `timeoutMs`. */
  createTask(context: TaskContextInput): Promise<Task>;
  /** Present exactly when answers carry proofs: the verdict on `result`'s proof for `task`. */
  verifyProof?(task: Task, result: Result): Promise<ProofVerdict>;
  /** Scores `result` for `task`. A missing or refused proof in `observation` scores 0. */
  scoreResult(task: Task, result: Result, observation: Observation): Promise<Judgement>;
  /** Releases models and threads. */
  close?(): Promise<void>;
}
