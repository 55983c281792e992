import { afterEach, describe, expect, it } from 'vitest';
import { InvalidProcessorOptionError, TaskCancelledError } from '../errors.js';
import { ParallelProcessor } from './parallel-processor.js';

const worker = new URL('./test-workers/compute.mjs', import.meta.url);
interface Input {
  from?: number;
  to?: number;
  crashes?: Int32Array;
  throwMessage?: string;
}
type Output = { total: number };

const pools: ParallelProcessor<Input, Output>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

function pool(options: { maxThreads?: number; maxRetries?: number; minThreads?: number } = {}) {
  const created = new ParallelProcessor<Input, Output>({
    filename: worker,
    maxThreads: 2,
    ...options,
  });
  pools.push(created);
  return created;
}

const expected = (to: number) => (to * (to - 1)) / 2;
const crashCounter = (n: number) => {
  const counter = new Int32Array(new SharedArrayBuffer(4));
  counter[0] = n;
  return counter;
};

describe('ParallelProcessor', () => {
  it('runs CPU-bound tasks in worker threads and returns each result', async () => {
    const processor = pool();
    const results = await Promise.all([10_000, 20_000, 30_000].map((to) => processor.run({ to })));
    expect(results.map((r) => r.total)).toEqual([10_000, 20_000, 30_000].map(expected));
    expect(processor.stats()).toMatchObject({ completed: 3, failed: 0, maxThreads: 2 });
  });

  it('settles every task on its own: one throwing task fails only itself', async () => {
    const processor = pool();
    const outcomes = await processor.runAll([
      { to: 100 },
      { throwMessage: 'bad input row 7' },
      { to: 200 },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('bad input row 7');
    expect(processor.stats()).toMatchObject({ completed: 2, failed: 1, crashes: 0, retried: 0 });
  });

  it('retries a task whose worker crashed, up to the limit', async () => {
    const processor = pool({ maxRetries: 2 });
    const survived = await processor.run({ to: 1_000, crashes: crashCounter(2) });
    expect(survived.total).toBe(expected(1_000));
    expect(processor.stats()).toMatchObject({ crashes: 2, retried: 2, completed: 1 });
    await expect(processor.run({ to: 1_000, crashes: crashCounter(5) })).rejects.toThrow(
      /worker exited/,
    );
    expect(processor.stats().failed).toBe(1);
  });

  it('does not retry a task that threw', async () => {
    const processor = pool();
    await expect(processor.run({ throwMessage: 'deterministic failure' })).rejects.toThrow(
      'deterministic failure',
    );
    expect(processor.stats().retried).toBe(0);
  });

  it('cancels through an AbortSignal', async () => {
    const processor = pool({ maxThreads: 1 });
    const controller = new AbortController();
    const busy = processor.run({ to: 30_000_000 });
    const queued = processor.run({ to: 10 }, { signal: controller.signal });
    controller.abort('no longer needed');
    await expect(queued).rejects.toThrow(TaskCancelledError);
    await busy;
  });

  it('keeps no idle worker with minThreads 0, and starts one for a task', async () => {
    const processor = pool({ minThreads: 0 });
    expect(processor.stats().threads).toBe(0);
    expect((await processor.run({ to: 1_000 })).total).toBe(expected(1_000));
    expect(processor.stats().threads).toBeGreaterThanOrEqual(1);
    expect(() => new ParallelProcessor({ filename: worker, minThreads: -1 })).toThrow(/minThreads/);
  });

  it('refuses bad options', () => {
    expect(() => new ParallelProcessor({ filename: worker, maxThreads: 0 })).toThrow(
      InvalidProcessorOptionError,
    );
    expect(() => new ParallelProcessor({ filename: worker, threadsPerTask: 0 })).toThrow(
      /threadsPerTask/,
    );
  });
});
