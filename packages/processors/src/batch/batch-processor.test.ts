import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BatchContractError, InvalidProcessorOptionError, TaskCancelledError } from '../errors.js';
import { BatchProcessor, type ItemResult } from './batch-processor.js';

/** A batch function with a fixed per-call cost, recording the sizes it was given. */
function doubling(costMs = 0) {
  const sizes: number[] = [];
  const fn = async (items: number[]) => {
    sizes.push(items.length);
    if (costMs > 0) await sleep(costMs);
    return items.map((x) => x * 2);
  };
  return { fn, sizes };
}

describe('BatchProcessor', () => {
  it('gives every caller its own result', async () => {
    const { fn } = doubling();
    const processor = new BatchProcessor(fn, { maxBatchSize: 4 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => processor.process(i)));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
  });

  it('with maxDelay 0, batches whatever queued while the worker was busy', async () => {
    const { fn, sizes } = doubling(20);
    const processor = new BatchProcessor(fn, { maxBatchSize: 8 });
    await Promise.all(Array.from({ length: 13 }, (_, i) => processor.process(i)));
    // The first item starts alone; the other 12 queue behind it and go 8 + 4.
    expect(sizes).toEqual([1, 8, 4]);
    expect(processor.stats().batchSizes).toEqual({ 1: 1, 8: 1, 4: 1 });
  });

  it('waits up to maxDelay to fill a batch, and no longer', async () => {
    const { fn, sizes } = doubling();
    const processor = new BatchProcessor(fn, { maxBatchSize: 4, maxDelayMs: 40 });
    const first = [processor.process(1), processor.process(2)];
    await sleep(10);
    const more = [processor.process(3), processor.process(4)];
    expect(await Promise.all([...first, ...more])).toEqual([2, 4, 6, 8]);
    expect(sizes).toEqual([4]);
    const started = performance.now();
    expect(await processor.process(5)).toBe(10);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(35);
    expect(waited).toBeLessThan(5_000);
    expect(sizes).toEqual([4, 1]);
  });

  it('adapts the batch size toward the latency target and uses the tuned size', async () => {
    // A modelled cost of 10 ms fixed + 5 ms per item on a fake clock, so the
    // tuner sees exact latencies however loaded the machine is. Target 60 ms →
    // about 10 items.
    let clock = 0;
    const sizes: number[] = [];
    const fn = async (items: number[]) => {
      sizes.push(items.length);
      clock += 10 + 5 * items.length;
      return items;
    };
    const processor = new BatchProcessor(fn, {
      maxBatchSize: 64,
      adaptive: { targetLatencyMs: 60 },
      now: () => clock,
    });
    await Promise.all(Array.from({ length: 400 }, (_, i) => processor.process(i)));
    expect(sizes[0]).toBe(1);
    // It grows from 1, then settles where 10 + 5n stays within ±20 % of 60 ms.
    expect(sizes.slice(0, 6)).toEqual([1, 2, 3, 4, 5, 7]);
    for (const size of sizes.slice(-6, -1)) {
      expect(size).toBeGreaterThanOrEqual(8);
      expect(size).toBeLessThanOrEqual(12);
    }
    // The tuned size is the size batches actually use.
    expect(sizes.at(-2)).toBe(processor.stats().currentBatchSize);
  });

  it('retunes live', async () => {
    const { fn, sizes } = doubling(10);
    const processor = new BatchProcessor(fn, { maxBatchSize: 16 });
    const first = Array.from({ length: 9 }, (_, i) => processor.process(i));
    processor.setMaxBatchSize(2);
    await Promise.all(first);
    expect(Math.max(...sizes.slice(1))).toBe(2);
    expect(() => processor.setMaxBatchSize(0)).toThrow(InvalidProcessorOptionError);
  });

  it('fails only the bad item when the function reports per item', async () => {
    const fn = async (items: number[]): Promise<ItemResult<number>[]> =>
      items.map((x) =>
        x < 0
          ? { ok: false, error: new Error(`negative input ${x}`) }
          : { ok: true, value: Math.sqrt(x) },
      );
    const processor = new BatchProcessor(fn, {
      maxBatchSize: 8,
      maxDelayMs: 20,
      perItemResults: true,
    });
    const outcomes = await Promise.allSettled([4, -1, 9].map((x) => processor.process(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('negative input -1');
    expect(processor.stats()).toMatchObject({ items: 3, failedItems: 1, batches: 1 });
  });

  it('fails the whole batch when the function throws or breaks its contract', async () => {
    const throwing = new BatchProcessor(async () => {
      throw new Error('GPU lost');
    });
    await expect(throwing.process(1)).rejects.toThrow('GPU lost');
    const short = new BatchProcessor(async (items: number[]) => items.slice(1), { maxDelayMs: 10 });
    const outcomes = await Promise.allSettled([short.process(1), short.process(2)]);
    expect(
      outcomes.every((o) => o.status === 'rejected' && BatchContractError.isInstance(o.reason)),
    ).toBe(true);
  });

  it('reports queue delay, latency and throughput', async () => {
    const { fn } = doubling(5);
    const processor = new BatchProcessor(fn, { maxBatchSize: 4 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => processor.process(i)));
    const stats = processor.stats();
    expect(stats.items).toBe(12);
    expect(stats.queueDelay.count).toBe(12);
    expect(stats.batchLatency.count).toBe(stats.batches);
    expect(stats.throughputPerSecond).toBeGreaterThan(0);
  });

  it('rejects waiting items on close', async () => {
    const { fn } = doubling(30);
    const processor = new BatchProcessor(fn, { maxBatchSize: 1 });
    const running = processor.process(1);
    const waiting = processor.process(2);
    processor.close();
    await expect(waiting).rejects.toThrow(TaskCancelledError);
    expect(await running).toBe(2);
    await expect(processor.process(3)).rejects.toThrow(/closed/);
  });
});
