import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  IllegalTransitionError,
  LifecycleHookError,
  MtError,
  ResultMismatchError,
  SchemaValidationError,
  SubnetHookError,
  SubnetNotReadyError,
  TaskAbortedError,
  TaskTimeoutError,
  TaskValidationError,
} from '../errors.js';
import type { Proof } from '../schemas/proof.js';
import type { Result } from '../schemas/result.js';
import type { Task } from '../schemas/task.js';
import type { TaskContext } from '../schemas/task-context.js';
import { type Judgement, type NewTask, type Solution, SubnetProtocol } from './subnet-protocol.js';

interface SumSubnetOptions {
  setupError?: Error;
  teardownError?: Error;
  solveDelayMs?: number;
  timeoutMs?: number;
  /** Added to the true sum, to play a miner that gets it wrong. */
  solveOffset?: number;
  scoreOverride?: Judgement;
  proofCheck?: (proof: Proof) => boolean;
}

/**
 * A complete subnet for the tests: the task is a list of numbers, the answer
 * their sum, and the score falls with the relative error.
 */
class SumSubnet extends SubnetProtocol {
  readonly events: string[] = [];
  readonly seenSignals: AbortSignal[] = [];

  constructor(
    private readonly options: SumSubnetOptions = {},
    now?: () => number,
  ) {
    super({ name: 'sum', version: '1.2.0', description: 'Adds numbers', ...(now ? { now } : {}) });
  }

  protected override async onSetup() {
    this.events.push('setup');
    if (this.options.setupError) throw this.options.setupError;
  }

  protected override async onTeardown() {
    this.events.push('teardown');
    if (this.options.teardownError) throw this.options.teardownError;
  }

  protected createTaskImpl(context: TaskContext): NewTask {
    const count = 2 + Math.round(context.difficulty * 8);
    const numbers = Array.from({ length: count }, (_, i) => i * 1.5 + context.cycle);
    return {
      taskData: { numbers },
      ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
    };
  }

  protected override validateTaskImpl(task: Task): string | undefined {
    const { numbers } = task.taskData;
    if (!Array.isArray(numbers) || numbers.some((n) => typeof n !== 'number')) {
      return 'taskData.numbers must be an array of numbers';
    }
    return undefined;
  }

  protected async solveTaskImpl(task: Task, signal: AbortSignal): Promise<Solution> {
    this.seenSignals.push(signal);
    if (this.options.solveDelayMs) await sleep(this.options.solveDelayMs, undefined, { signal });
    const numbers = task.taskData.numbers as number[];
    const sum = numbers.reduce((a, b) => a + b, 0) + (this.options.solveOffset ?? 0);
    return { resultData: { sum }, metadata: { solver: 'reduce' } };
  }

  protected scoreResultImpl(task: Task, result: Result): Judgement {
    if (this.options.scoreOverride) return this.options.scoreOverride;
    const expected = (task.taskData.numbers as number[]).reduce((a, b) => a + b, 0);
    const got = result.resultData.sum as number;
    const relativeError = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
    return { value: Math.max(0, 1 - relativeError), confidence: 0.9 };
  }

  protected override verifyProofImpl(_task: Task, _result: Result, proof: Proof): boolean {
    if (!this.options.proofCheck) return super.verifyProofImpl(_task, _result, proof) as boolean;
    return this.options.proofCheck(proof);
  }
}

const context = { minerUid: 'miner-7', difficulty: 0.5, subnetUid: 1, cycle: 3 };
const proof: Proof = {
  system: 'groth16',
  proof: { protocol: 'groth16' },
  publicSignals: ['1'],
  verificationKeyHash: '0'.repeat(64),
  createdAt: 0,
};

async function readySubnet(options?: SumSubnetOptions, now?: () => number): Promise<SumSubnet> {
  const subnet = new SumSubnet(options, now);
  await subnet.setup();
  return subnet;
}

describe('SubnetProtocol lifecycle', () => {
  it('creates, solves, scores and tears down through the hooks', async () => {
    const subnet = await readySubnet({}, () => 1_000);
    expect(subnet.state).toBe('ready');
    const task = await subnet.createTask(context);
    expect(task.context).toEqual({ ...context, metadata: {} });
    expect(task.createdAt).toBe(1_000);
    expect(task.taskData.numbers).toHaveLength(6);
    const result = await subnet.solveTask(task);
    expect(result).toMatchObject({
      taskId: task.taskId,
      minerUid: 'miner-7',
      resultData: { sum: 40.5 },
      completedAt: 1_000,
      metadata: { solver: 'reduce' },
    });
    expect(result.executionTimeMs).toBeGreaterThanOrEqual(0);
    const score = await subnet.scoreResult(task, result);
    expect(score).toEqual({ value: 1, confidence: 0.9, metadata: {}, timestamp: 1_000 });
    await subnet.teardown();
    expect(subnet.state).toBe('stopped');
    expect(subnet.events).toEqual(['setup', 'teardown']);
  });

  it('scores a wrong answer lower in proportion to its error', async () => {
    const subnet = await readySubnet({ solveOffset: 4.05 });
    const task = await subnet.createTask(context);
    const score = await subnet.scoreResult(task, await subnet.solveTask(task));
    expect(score.value).toBeCloseTo(0.9, 10);
  });

  it('gives every task a fresh id', async () => {
    const subnet = await readySubnet();
    const ids = new Set(
      await Promise.all(
        Array.from({ length: 50 }, async () => (await subnet.createTask(context)).taskId),
      ),
    );
    expect(ids.size).toBe(50);
  });

  it('refuses work before setup and after teardown', async () => {
    const subnet = new SumSubnet();
    await expect(subnet.createTask(context)).rejects.toThrow(SubnetNotReadyError);
    await subnet.setup();
    const task = await subnet.createTask(context);
    await subnet.teardown();
    const error = await subnet.solveTask(task).catch((e: unknown) => e);
    expect(SubnetNotReadyError.isInstance(error)).toBe(true);
    expect((error as SubnetNotReadyError).state).toBe('stopped');
  });

  it('refuses a second setup while one is running, and a teardown before setup', async () => {
    const subnet = new SumSubnet({ solveDelayMs: 0 });
    await expect(subnet.teardown()).rejects.toThrow(IllegalTransitionError);
    const first = subnet.setup();
    await expect(subnet.setup()).rejects.toThrow(/already in progress/);
    await first;
    expect(subnet.events).toEqual(['setup']);
    await expect(subnet.setup()).rejects.toThrow(/already set up/);
  });

  it('moves to failed when setup throws, and recovers through teardown and setup', async () => {
    const options: SumSubnetOptions = { setupError: new Error('weights missing') };
    const subnet = new SumSubnet(options);
    const states: string[] = [];
    subnet.onStateChange(({ to }) => states.push(to));
    const error = await subnet.setup().catch((e: unknown) => e);
    expect(LifecycleHookError.isInstance(error)).toBe(true);
    expect((error as LifecycleHookError).cause).toBe(options.setupError);
    expect((error as Error).message).toMatch(/sum.setup\(\) failed: weights missing/);
    expect(subnet.state).toBe('failed');
    await expect(subnet.setup()).rejects.toThrow(/call teardown\(\) before/);
    await subnet.teardown();
    delete options.setupError;
    await subnet.setup();
    expect(states).toEqual(['starting', 'failed', 'stopping', 'stopped', 'starting', 'ready']);
  });

  it('moves to failed when teardown throws', async () => {
    const subnet = await readySubnet({ teardownError: new Error('socket stuck') });
    await expect(subnet.teardown()).rejects.toThrow(LifecycleHookError);
    expect(subnet.state).toBe('failed');
  });

  it('lets work in flight finish before teardown releases resources', async () => {
    const subnet = await readySubnet({ solveDelayMs: 50 });
    const task = await subnet.createTask(context);
    const solving = subnet.solveTask(task);
    const stopping = subnet.teardown();
    await expect(subnet.createTask(context)).rejects.toThrow(SubnetNotReadyError);
    const result = await solving;
    expect(result.resultData.sum).toBe(40.5);
    expect(subnet.events).toEqual(['setup']);
    await stopping;
    expect(subnet.events).toEqual(['setup', 'teardown']);
  });
});

describe('SubnetProtocol task handling', () => {
  it('rejects a task that breaks the schema, naming the field, without running the solver', async () => {
    const subnet = await readySubnet();
    const task = await subnet.createTask(context);
    const bad = { ...task, context: { ...task.context, difficulty: 2 } };
    const error = await subnet.solveTask(bad).catch((e: unknown) => e);
    expect(TaskValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/context\.difficulty/);
    expect(SchemaValidationError.isInstance((error as Error).cause)).toBe(true);
    expect(subnet.seenSignals).toHaveLength(0);
  });

  it("rejects a task the subnet's own validation refuses", async () => {
    const subnet = await readySubnet();
    const task = await subnet.createTask(context);
    const error = await subnet
      .solveTask({ ...task, taskData: { numbers: ['1', 2] } })
      .catch((e: unknown) => e);
    expect(TaskValidationError.isInstance(error)).toBe(true);
    expect((error as TaskValidationError).taskId).toBe(task.taskId);
    expect((error as Error).message).toMatch(/numbers must be an array of numbers/);
  });

  it('rejects a bad context when creating a task', async () => {
    const subnet = await readySubnet();
    await expect(subnet.createTask({ ...context, subnetUid: -1 })).rejects.toThrow(
      SchemaValidationError,
    );
  });

  it("enforces the task's timeout and aborts the solver's signal", async () => {
    const subnet = await readySubnet({ solveDelayMs: 5_000, timeoutMs: 40 });
    const task = await subnet.createTask(context);
    const started = performance.now();
    const error = await subnet.solveTask(task).catch((e: unknown) => e);
    expect(TaskTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ taskId: task.taskId, timeoutMs: 40 });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(subnet.seenSignals[0]?.aborted).toBe(true);
    expect(subnet.getMetrics().solveTask.failures).toBe(1);
  });

  it("aborts when the caller's signal fires, and refuses an already aborted signal", async () => {
    const subnet = await readySubnet({ solveDelayMs: 5_000 });
    const task = await subnet.createTask(context);
    const controller = new AbortController();
    const solving = subnet.solveTask(task, { signal: controller.signal });
    setTimeout(() => controller.abort('operator cancelled'), 20);
    const error = await solving.catch((e: unknown) => e);
    expect(TaskAbortedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/operator cancelled/);
    await expect(subnet.solveTask(task, { signal: AbortSignal.abort('early') })).rejects.toThrow(
      TaskAbortedError,
    );
  });

  it('wraps a foreign solver error so it names the hook, and passes typed errors through', async () => {
    class Failing extends SumSubnet {
      constructor(private readonly error: unknown) {
        super();
      }
      protected override async solveTaskImpl(): Promise<Solution> {
        throw this.error;
      }
    }
    const plain = new Failing(new TypeError('cannot read x'));
    await plain.setup();
    const wrapped = await plain.solveTask(await plain.createTask(context)).catch((e: unknown) => e);
    expect(SubnetHookError.isInstance(wrapped)).toBe(true);
    expect((wrapped as Error).message).toBe('sum.solveTaskImpl failed: cannot read x');

    const typed = new MtError('MT_MODEL_LOAD_FAILED', 'model folder missing');
    const passing = new Failing(typed);
    await passing.setup();
    await expect(passing.solveTask(await passing.createTask(context))).rejects.toBe(typed);
  });
});

describe('SubnetProtocol scoring', () => {
  it('refuses to score a result against a task it does not answer, or from the wrong miner', async () => {
    const subnet = await readySubnet();
    const first = await subnet.createTask(context);
    const second = await subnet.createTask(context);
    const result = await subnet.solveTask(first);
    await expect(subnet.scoreResult(second, result)).rejects.toThrow(ResultMismatchError);
    await expect(
      subnet.scoreResult(first, { ...result, minerUid: 'someone-else' }),
    ).rejects.toThrow(/comes from miner 'someone-else'/);
  });

  it('refuses a score out of [0, 1] from the scoring hook, naming the field', async () => {
    const subnet = await readySubnet({ scoreOverride: { value: 1.4 } });
    const task = await subnet.createTask(context);
    const error = await subnet
      .scoreResult(task, await subnet.solveTask(task))
      .catch((e: unknown) => e);
    expect(SchemaValidationError.isInstance(error)).toBe(true);
    expect((error as SchemaValidationError).issues.map((i) => i.path)).toEqual(['value']);
  });
});

describe('SubnetProtocol proof verification fails closed', () => {
  async function solvedWithProof(options: SumSubnetOptions) {
    const subnet = await readySubnet(options);
    const task = await subnet.createTask(context);
    const result = { ...(await subnet.solveTask(task)), proof };
    return { subnet, task, result };
  }

  it('rejects every proof when the subnet has no verifier', async () => {
    const { subnet, task, result } = await solvedWithProof({});
    const verdict = await subnet.verifyProof(task, result);
    expect(verdict.valid).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringMatching(/has no proof verifier/) });
    expect(subnet.requiresProof()).toBe(false);
  });

  it('rejects a missing proof and a result for another task', async () => {
    const { subnet, task, result } = await solvedWithProof({ proofCheck: () => true });
    const { proof: _dropped, ...withoutProof } = result;
    expect(await subnet.verifyProof(task, withoutProof)).toEqual({
      valid: false,
      reason: 'the result carries no proof',
    });
    const other = await subnet.createTask(context);
    expect((await subnet.verifyProof(other, result)).valid).toBe(false);
  });

  it('treats a verifier that throws as invalid and keeps the error', async () => {
    const failure = new Error('vk unreadable');
    const { subnet, task, result } = await solvedWithProof({
      proofCheck: () => {
        throw failure;
      },
    });
    const verdict = await subnet.verifyProof(task, result);
    expect(verdict).toEqual({
      valid: false,
      reason: 'the verifier failed: vk unreadable',
      error: failure,
    });
    expect(subnet.getMetrics().verifyProof.failures).toBe(1);
  });

  it('accepts only what the verifier accepts', async () => {
    const { subnet, task, result } = await solvedWithProof({
      proofCheck: (p) => p.publicSignals[0] === '1',
    });
    expect(await subnet.verifyProof(task, result)).toEqual({ valid: true });
    const forged = { ...result, proof: { ...proof, publicSignals: ['2'] } };
    expect(await subnet.verifyProof(task, forged)).toEqual({
      valid: false,
      reason: 'the proof did not verify',
    });
  });
});

describe('SubnetProtocol metrics and metadata', () => {
  it('records a latency per operation and resets', async () => {
    const subnet = await readySubnet();
    for (let i = 0; i < 5; i += 1) {
      const task = await subnet.createTask(context);
      await subnet.scoreResult(task, await subnet.solveTask(task));
    }
    const metrics = subnet.getMetrics();
    expect(metrics.createTask.count).toBe(5);
    expect(metrics.solveTask.count).toBe(5);
    expect(metrics.scoreResult.count).toBe(5);
    expect(metrics.verifyProof.count).toBe(0);
    expect(metrics.solveTask.max).toBeGreaterThanOrEqual(metrics.solveTask.p50);
    subnet.resetMetrics();
    expect(subnet.getMetrics().solveTask.count).toBe(0);
  });

  it('describes itself with its state', async () => {
    const subnet = new SumSubnet();
    expect(subnet.getMetadata()).toEqual({
      name: 'sum',
      version: '1.2.0',
      description: 'Adds numbers',
      requiresProof: false,
      state: 'created',
    });
    await subnet.setup();
    expect(subnet.getMetadata().state).toBe('ready');
    expect(subnet.isReady()).toBe(true);
  });
});
