import { type SolveContext, type SubnetMiner, type Task, TaskAbortedError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidSubnetInputError, TransientSubnetError } from '../errors.js';
import { SubnetMetrics } from './subnet-metrics.js';
import { withCache } from './with-cache.js';
import { withDeadline } from './with-deadline.js';
import { withResilience } from './with-resilience.js';
import { withRetry } from './with-retry.js';

/** Uppercases `text`; fails as scripted; records every call. */
function scripted(options: { deterministic?: boolean; delayMs?: number } = {}) {
  const state = { calls: 0, failures: [] as Error[] };
  const miner: SubnetMiner = {
    name: 'scripted',
    version: '1.0.0',
    ...(options.deterministic === undefined ? {} : { deterministic: options.deterministic }),
    async solveTask(task, context) {
      state.calls += 1;
      const failure = state.failures.shift();
      if (failure) throw failure;
      if (options.delayMs) {
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      }
      context.signal.throwIfAborted();
      return { resultData: { text: String(task.taskData.text).toUpperCase(), call: state.calls } };
    },
  };
  return { miner, state };
}

const task = (id: string, text = 'hello'): Task => ({
  taskId: id,
  taskData: { text },
  context: { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0, metadata: {} },
  createdAt: 0,
  timeoutMs: 1_000,
});
const live = (): SolveContext => ({
  signal: new AbortController().signal,
  deadline: Date.now() + 1_000,
});

describe('withCache', () => {
  it('answers a repeated payload once, whatever its task id, and hands out copies', async () => {
    const { miner, state } = scripted();
    const metrics = new SubnetMetrics();
    const cached = withCache(miner, { metrics });
    const a = await cached.solveTask(task('a'), live());
    const b = await cached.solveTask(task('b'), live());
    expect(state.calls).toBe(1);
    expect(b).toEqual(a);
    (b.resultData as { text: string }).text = 'tampered';
    expect((await cached.solveTask(task('c'), live())).resultData.text).toBe('HELLO');
    expect(await cached.solveTask(task('d', 'other'), live())).toMatchObject({
      resultData: { text: 'OTHER' },
    });
    expect(await metrics.registry.metrics()).toContain(
      'mt_subnet_solutions_total{subnet="scripted",outcome="cached"} 2',
    );
  });

  it('leaves a miner that is not deterministic uncached', async () => {
    const { miner, state } = scripted({ deterministic: false });
    const cached = withCache(miner);
    await cached.solveTask(task('a'), live());
    await cached.solveTask(task('b'), live());
    expect(state.calls).toBe(2);
  });

  it('refuses nonsense sizes with a typed error', () => {
    expect(() => withCache(scripted().miner, { maxEntries: 0 })).toThrow(InvalidSubnetInputError);
  });
});

describe('withRetry', () => {
  it('retries transient failures, never invalid input', async () => {
    const { miner, state } = scripted();
    const retried = withRetry(miner, { minTimeoutMs: 1, maxTimeoutMs: 2 });
    state.failures.push(new TransientSubnetError('busy'), new TransientSubnetError('busy'));
    expect((await retried.solveTask(task('a'), live())).resultData.text).toBe('HELLO');
    expect(state.calls).toBe(3);
    state.failures.push(new InvalidSubnetInputError('text', 'bad'));
    await expect(retried.solveTask(task('b'), live())).rejects.toThrow(InvalidSubnetInputError);
    expect(state.calls).toBe(4);
  });

  it('stops retrying once the task’s signal fired', async () => {
    const { miner, state } = scripted();
    const retried = withRetry(miner, { retries: 5, minTimeoutMs: 50, maxTimeoutMs: 50 });
    const controller = new AbortController();
    state.failures.push(new TransientSubnetError('busy'), new TransientSubnetError('busy'));
    setTimeout(() => controller.abort(new Error('deadline')), 10);
    await expect(
      retried.solveTask(task('a'), { signal: controller.signal, deadline: Date.now() + 10 }),
    ).rejects.toThrow();
    expect(state.calls).toBeLessThanOrEqual(2);
  });
});

describe('withDeadline', () => {
  it('releases the caller when the signal fires, even from a solver that ignores it', async () => {
    const { miner } = scripted({ delayMs: 2_000 });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('deadline')), 20);
    await expect(
      withDeadline(miner).solveTask(task('a'), { signal: controller.signal, deadline: 0 }),
    ).rejects.toSatisfy(TaskAbortedError.isInstance);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('withResilience', () => {
  it('counts cache hits apart from computed answers and failures', async () => {
    const { miner, state } = scripted();
    const metrics = new SubnetMetrics();
    const resilient = withResilience(miner, { metrics, retry: { retries: 0 } });
    await resilient.solveTask(task('a'), live());
    await resilient.solveTask(task('b'), live());
    state.failures.push(new Error('broken'));
    await expect(resilient.solveTask(task('c', 'new'), live())).rejects.toThrow('broken');
    const text = await metrics.registry.metrics();
    expect(text).toContain('mt_subnet_solutions_total{subnet="scripted",outcome="computed"} 1');
    expect(text).toContain('mt_subnet_solutions_total{subnet="scripted",outcome="cached"} 1');
    expect(text).toContain('mt_subnet_solutions_total{subnet="scripted",outcome="failed"} 1');
    expect(resilient.name).toBe('scripted');
  });
});
