import { randomUUID } from 'node:crypto';
import {
  describeCause,
  LifecycleHookError,
  MtError,
  ProofVerifierMissingError,
  ResultMismatchError,
  SubnetHookError,
  SubnetNotReadyError,
  TaskAbortedError,
  TaskTimeoutError,
  TaskValidationError,
} from '../errors.js';
import { LatencyHistogram, type LatencySnapshot } from '../metrics/latency-histogram.js';
import type { JsonObject } from '../schemas/json-value.js';
import type { Proof } from '../schemas/proof.js';
import { parseResult, type Result } from '../schemas/result.js';
import { parseScore, type Score } from '../schemas/score.js';
import { parseTask, type Task } from '../schemas/task.js';
import {
  parseTaskContext,
  type TaskContext,
  type TaskContextInput,
} from '../schemas/task-context.js';
import { Lifecycle, type StateChangeListener, type SubnetState } from './lifecycle.js';
import { raceWithSignal } from './race-with-signal.js';

/** Name, version and purpose of a subnet, given to the {@link SubnetProtocol} constructor. */
export interface SubnetDescription {
  /** Short unique name, e.g. `text-generation`. */
  name: string;
  /** Semantic version of the subnet's task and scoring rules. */
  version: string;
  description: string;
}

/** Options of the {@link SubnetProtocol} constructor. */
export interface SubnetProtocolOptions extends SubnetDescription {
  /** Clock in milliseconds since the Unix epoch; injectable for tests. Defaults to `Date.now`. */
  now?: () => number;
}

/** What {@link SubnetProtocol.getMetadata} reports. */
export interface SubnetMetadata extends SubnetDescription {
  requiresProof: boolean;
  state: SubnetState;
}

/** What a subclass's `createTaskImpl` returns; the base class adds id, context and time. */
export interface NewTask {
  taskData: JsonObject;
  /** Milliseconds the solver may take; `solveTask` aborts past it. */
  timeoutMs?: number;
}

/** What a subclass's `solveTaskImpl` returns; the base class adds task id, miner, times. */
export interface Solution {
  resultData: JsonObject;
  proof?: Proof;
  metadata?: JsonObject;
}

/** What a subclass's `scoreResultImpl` returns; the base class checks it and adds the time. */
export interface Judgement {
  /** In [0, 1]. */
  value: number;
  /** In [0, 1]; defaults to 1. */
  confidence?: number;
  metadata?: JsonObject;
}

/** Options of {@link SubnetProtocol.solveTask}. */
export interface SolveOptions {
  /** Aborts the solve; the subclass receives a signal that fires on this or on the task's timeout. */
  signal?: AbortSignal;
}

/** Outcome of {@link SubnetProtocol.verifyProof}. A verifier that throws yields `valid: false` with the error. */
export type ProofVerdict = { valid: true } | { valid: false; reason: string; error?: unknown };

/** Operation names used in metrics. */
export type SubnetOperation = 'createTask' | 'solveTask' | 'scoreResult' | 'verifyProof';

/** What {@link SubnetProtocol.getMetrics} reports: a latency summary and a failure count per operation. */
export type SubnetMetrics = Record<SubnetOperation, LatencySnapshot & { failures: number }>;

interface OperationStats {
  latency: LatencyHistogram;
  failures: number;
}

function newOperationStats(): OperationStats {
  return { latency: new LatencyHistogram(), failures: 0 };
}

/**
 * The template every subnet follows: an async lifecycle, and hooks to create,
 * validate, solve and score tasks and to verify proofs. The public methods do
 * the checking, timing and stamping; subclasses fill in the `*Impl` hooks.
 *
 * - `setup()` and `teardown()` drive the {@link Lifecycle} state machine; work is
 *   accepted only while `ready`, and `teardown()` waits for work in flight.
 * - Every task, result and score crossing the boundary is checked against its
 *   runtime schema; a result is always stamped with the id of the task it
 *   answers and the miner the task was for.
 * - `Task.timeoutMs` is enforced: the solver gets an `AbortSignal` and the call
 *   fails with `TaskTimeoutError` when time runs out.
 * - Proof verification fails closed: no verifier, no proof, or a verifier that
 *   throws all give `valid: false`.
 * - Metrics are fixed-size histograms, so a long-running miner does not grow.
 *
 * @example
 * ```ts
 * class EchoSubnet extends SubnetProtocol {
 *   constructor() { super({ name: 'echo', version: '1.0.0', description: 'Echoes text' }); }
 *   protected createTaskImpl() { return { taskData: { text: 'hello' } }; }
 *   protected solveTaskImpl(task: Task) { return { resultData: { text: task.taskData.text ?? '' } }; }
 *   protected scoreResultImpl(task: Task, result: Result) {
 *     return { value: result.resultData.text === task.taskData.text ? 1 : 0 };
 *   }
 * }
 * const subnet = new EchoSubnet();
 * await subnet.setup();
 * const task = await subnet.createTask({ minerUid: 'm1', difficulty: 0.5, subnetUid: 1, cycle: 0 });
 * const score = await subnet.scoreResult(task, await subnet.solveTask(task));
 * await subnet.teardown();
 * ```
 */
export abstract class SubnetProtocol {
  readonly #lifecycle = new Lifecycle();
  readonly #description: SubnetDescription;
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #stats = {
    createTask: newOperationStats(),
    solveTask: newOperationStats(),
    scoreResult: newOperationStats(),
    verifyProof: newOperationStats(),
  } satisfies Record<SubnetOperation, OperationStats>;
  /** The clock used for every timestamp this subnet writes. */
  protected readonly now: () => number;

  constructor(options: SubnetProtocolOptions) {
    this.#description = {
      name: options.name,
      version: options.version,
      description: options.description,
    };
    this.now = options.now ?? Date.now;
  }

  // ---- hooks for subclasses -------------------------------------------------

  /** Acquires resources (load models, open connections). Throwing moves the subnet to `failed`. */
  protected onSetup(): void | Promise<void> {}

  /** Releases what `onSetup` acquired. Called after work in flight has settled. */
  protected onTeardown(): void | Promise<void> {}

  /** Builds the payload of a new task for `context`. */
  protected abstract createTaskImpl(context: TaskContext): NewTask | Promise<NewTask>;

  /**
   * Subnet-specific checks of a task that already matched the `Task` schema.
   * Return a reason (or throw) to reject it; return nothing to accept it.
   */
  protected validateTaskImpl(_task: Task): string | undefined | Promise<string | undefined> {
    return undefined;
  }

  /** Solves `task`. Stop early when `signal` aborts: the caller has given up. */
  protected abstract solveTaskImpl(task: Task, signal: AbortSignal): Solution | Promise<Solution>;

  /** Judges `result`, which is known to answer `task`. */
  protected abstract scoreResultImpl(task: Task, result: Result): Judgement | Promise<Judgement>;

  /**
   * Checks `proof` against the task and result. The default has no verifier and
   * rejects every proof; subnets that use proofs must override it.
   */
  protected verifyProofImpl(
    _task: Task,
    _result: Result,
    _proof: Proof,
  ): boolean | Promise<boolean> {
    throw new ProofVerifierMissingError(this.#description.name);
  }

  /** Whether results of this subnet must carry a proof. Defaults to `false`. */
  requiresProof(): boolean {
    return false;
  }

  // ---- lifecycle -------------------------------------------------------------

  /** The current lifecycle state. */
  get state(): SubnetState {
    return this.#lifecycle.state;
  }

  /** True when the subnet accepts work. */
  isReady(): boolean {
    return this.#lifecycle.state === 'ready';
  }

  /** Calls `listener` on every lifecycle change; returns a function that unsubscribes it. */
  onStateChange(listener: StateChangeListener): () => void {
    return this.#lifecycle.subscribe(listener);
  }

  /** `created | stopped → starting → ready`; a failing `onSetup` gives `failed` and a `LifecycleHookError`. */
  async setup(): Promise<void> {
    this.#lifecycle.moveTo('starting');
    try {
      await this.onSetup();
    } catch (error) {
      this.#lifecycle.moveTo('failed', error);
      throw new LifecycleHookError('setup', this.#description.name, error);
    }
    this.#lifecycle.moveTo('ready');
  }

  /**
   * `ready | failed → stopping → stopped`. New work is refused at once; work in
   * flight is allowed to finish before `onTeardown` runs.
   */
  async teardown(): Promise<void> {
    this.#lifecycle.moveTo('stopping');
    await Promise.allSettled([...this.#inFlight]);
    try {
      await this.onTeardown();
    } catch (error) {
      this.#lifecycle.moveTo('failed', error);
      throw new LifecycleHookError('teardown', this.#description.name, error);
    }
    this.#lifecycle.moveTo('stopped');
  }

  // ---- work ------------------------------------------------------------------

  /** Creates a task for `context`, with a fresh id and the current time. */
  createTask(context: TaskContextInput): Promise<Task> {
    return this.#track('createTask', async () => {
      const parsedContext = parseTaskContext(context);
      const created = await this.#callHook('createTaskImpl', () =>
        this.createTaskImpl(parsedContext),
      );
      return parseTask({
        taskId: randomUUID(),
        taskData: created.taskData,
        context: parsedContext,
        createdAt: this.now(),
        ...(created.timeoutMs === undefined ? {} : { timeoutMs: created.timeoutMs }),
      });
    });
  }

  /** Resolves when `task` is valid; otherwise rejects with `TaskValidationError` saying why. */
  async validateTask(task: unknown): Promise<Task> {
    let parsed: Task;
    try {
      parsed = parseTask(task);
    } catch (error) {
      throw new TaskValidationError(taskIdOf(task), describeCause(error), { cause: error });
    }
    let reason: string | undefined;
    try {
      reason = await this.validateTaskImpl(parsed);
    } catch (error) {
      if (TaskValidationError.isInstance(error)) throw error;
      throw new TaskValidationError(parsed.taskId, describeCause(error), { cause: error });
    }
    if (reason !== undefined) throw new TaskValidationError(parsed.taskId, reason);
    return parsed;
  }

  /**
   * Validates and solves `task`. The result carries the task's id, the miner it
   * was for, and the measured execution time. Fails with `TaskTimeoutError` past
   * `task.timeoutMs` and with `TaskAbortedError` when `options.signal` aborts.
   */
  solveTask(task: Task, options: SolveOptions = {}): Promise<Result> {
    return this.#track('solveTask', async () => {
      const valid = await this.validateTask(task);
      const controller = new AbortController();
      const { timeoutMs } = valid;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () => controller.abort(new TaskTimeoutError(valid.taskId, timeoutMs)),
              timeoutMs,
            );
      const callerSignal = options.signal;
      const onCallerAbort = () =>
        controller.abort(new TaskAbortedError(valid.taskId, callerSignal?.reason));
      if (callerSignal?.aborted) onCallerAbort();
      else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

      const started = performance.now();
      try {
        const solution = await raceWithSignal(
          this.#callHook('solveTaskImpl', () => this.solveTaskImpl(valid, controller.signal)),
          controller.signal,
        );
        return parseResult({
          taskId: valid.taskId,
          minerUid: valid.context.minerUid,
          resultData: solution.resultData,
          completedAt: this.now(),
          executionTimeMs: performance.now() - started,
          metadata: solution.metadata ?? {},
          ...(solution.proof === undefined ? {} : { proof: solution.proof }),
        });
      } finally {
        clearTimeout(timer);
        callerSignal?.removeEventListener('abort', onCallerAbort);
      }
    });
  }

  /** Scores `result` for `task`; rejects with `ResultMismatchError` when the result answers another task. */
  scoreResult(task: Task, result: Result): Promise<Score> {
    return this.#track('scoreResult', async () => {
      const parsedTask = parseTask(task);
      const parsedResult = parseResult(result);
      assertSameTask(parsedTask, parsedResult);
      const judgement = await this.#callHook('scoreResultImpl', () =>
        this.scoreResultImpl(parsedTask, parsedResult),
      );
      return parseScore({ ...judgement, timestamp: this.now() });
    });
  }

  /**
   * Checks the proof attached to `result`. Fails closed: a result for another
   * task, a missing proof, a subnet without a verifier, and a verifier that
   * throws all give `valid: false` with the reason.
   */
  verifyProof(task: Task, result: Result): Promise<ProofVerdict> {
    return this.#track('verifyProof', async (): Promise<ProofVerdict> => {
      if (result.taskId !== task.taskId) {
        return {
          valid: false,
          reason: `the result answers task '${result.taskId}', not '${task.taskId}'`,
        };
      }
      if (result.proof === undefined)
        return { valid: false, reason: 'the result carries no proof' };
      const proof = result.proof;
      try {
        const valid = await this.verifyProofImpl(task, result, proof);
        if (valid === true) return { valid: true };
        return { valid: false, reason: 'the proof did not verify' };
      } catch (error) {
        this.#stats.verifyProof.failures += 1;
        return { valid: false, reason: `the verifier failed: ${describeCause(error)}`, error };
      }
    });
  }

  // ---- introspection ---------------------------------------------------------

  /** Latency summary (milliseconds) and failure count for each operation. */
  getMetrics(): SubnetMetrics {
    const summarise = ({ latency, failures }: OperationStats) => ({
      ...latency.snapshot(),
      failures,
    });
    return {
      createTask: summarise(this.#stats.createTask),
      solveTask: summarise(this.#stats.solveTask),
      scoreResult: summarise(this.#stats.scoreResult),
      verifyProof: summarise(this.#stats.verifyProof),
    };
  }

  /** Forgets every recorded latency and failure. */
  resetMetrics(): void {
    for (const stats of Object.values(this.#stats)) {
      stats.latency.reset();
      stats.failures = 0;
    }
  }

  /** Name, version, description, whether proofs are required, and the current state. */
  getMetadata(): SubnetMetadata {
    return { ...this.#description, requiresProof: this.requiresProof(), state: this.state };
  }

  // ---- internals -------------------------------------------------------------

  /** Refuses work unless ready, times it, counts its failure, and lets teardown wait for it. */
  #track<T>(operation: SubnetOperation, work: () => Promise<T>): Promise<T> {
    if (!this.isReady()) return Promise.reject(new SubnetNotReadyError(operation, this.state));
    const stats = this.#stats[operation];
    const started = performance.now();
    const running = work().then(
      (value) => {
        stats.latency.record(performance.now() - started);
        return value;
      },
      (error: unknown) => {
        stats.latency.record(performance.now() - started);
        stats.failures += 1;
        throw error;
      },
    );
    this.#inFlight.add(running);
    const forget = () => this.#inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  /** Runs a subclass hook; errors that are not ModernTensor errors are wrapped to name the hook. */
  async #callHook<T>(hook: string, run: () => T | Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (MtError.isInstance(error)) throw error;
      throw new SubnetHookError(hook, this.#description.name, error);
    }
  }
}

function assertSameTask(task: Task, result: Result): void {
  if (result.taskId !== task.taskId) {
    throw new ResultMismatchError(
      `The result answers task '${result.taskId}' but was scored against task '${task.taskId}'; pass the task it was solved for.`,
    );
  }
  if (result.minerUid !== task.context.minerUid) {
    throw new ResultMismatchError(
      `The result comes from miner '${result.minerUid}' but task '${task.taskId}' was for miner '${task.context.minerUid}'.`,
    );
  }
}

function taskIdOf(task: unknown): string {
  if (typeof task === 'object' && task !== null && 'taskId' in task) {
    const id = (task as { taskId: unknown }).taskId;
    if (typeof id === 'string' && id !== '') return id;
  }
  return '(no taskId)';
}
