import { describe, expect, it } from 'vitest';
import { MemoryJobQueue } from './jobs/memory-job-queue.js';
import { ParallelProcessor } from './parallel/parallel-processor.js';

const TASKS = 10_000;

describe('reliability', () => {
  it('loses no task and runs none twice while workers are killed at random', async () => {
    const runs = new Int32Array(new SharedArrayBuffer(4 * TASKS));
    const pool = new ParallelProcessor<
      { index: number; crashProbability: number; runs: Int32Array },
      number
    >({
      filename: new URL('./parallel/test-workers/reliability.mjs', import.meta.url),
      maxThreads: 2,
      maxRetries: 10,
    });
    const jobs = new MemoryJobQueue<number, number>();
    jobs.process((index) => pool.run({ index, crashProbability: 0.003, runs }), {
      concurrency: 16,
    });
    try {
      const ids = await Promise.all(
        Array.from({ length: TASKS }, (_, index) => jobs.add(index, { attempts: 5, backoffMs: 1 })),
      );
      const results = await Promise.all(ids.map((id) => jobs.waitFor(id)));
      expect(results).toEqual(Array.from({ length: TASKS }, (_, index) => index * 3));
      const counts = await jobs.counts();
      expect(counts).toMatchObject({ completed: TASKS, failed: 0, waiting: 0, active: 0 });
      const notOnce = Array.from(runs).filter((count) => count !== 1).length;
      expect(notOnce).toBe(0);
      // The run really did kill workers along the way.
      expect(pool.stats().crashes).toBeGreaterThan(0);
    } finally {
      await jobs.close();
      await pool.close();
    }
  }, 120_000);
});
