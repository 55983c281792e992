import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { JobFailedError } from '../../errors.js';
import type { JobQueue } from '../job-queue.js';

/**
 * The behaviour every {@link JobQueue} backend must show. Each backend's test
 * file runs this suite with a factory for fresh, empty queues.
 */
export function describeJobQueue(
  name: string,
  create: () => Promise<JobQueue<{ n: number; failTimes?: number }, number>>,
  options: { skip?: string } = {},
): void {
  describe.skipIf(options.skip !== undefined)(`JobQueue conformance: ${name}`, () => {
    const open: JobQueue<{ n: number; failTimes?: number }, number>[] = [];
    const fresh = async () => {
      const queue = await create();
      open.push(queue);
      return queue;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.close()));
    });

    it('runs each job and hands back its result', async () => {
      const queue = await fresh();
      queue.process(async ({ n }) => n * n, { concurrency: 3 });
      const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.add({ n })));
      expect(await Promise.all(ids.map((id) => queue.waitFor(id, 10_000)))).toEqual([
        1, 4, 9, 16, 25,
      ]);
      expect((await queue.counts()).completed).toBe(5);
      expect(await queue.get(ids[2] as string)).toMatchObject({
        state: 'completed',
        result: 9,
        attemptsMade: 1,
      });
    });

    it('retries a failing job with backoff until it succeeds', async () => {
      const queue = await fresh();
      const attempts = new Map<string, number[]>();
      queue.process(async ({ n, failTimes = 0 }, job) => {
        attempts.set(job.id, [...(attempts.get(job.id) ?? []), performance.now()]);
        if (job.attempt <= failTimes) throw new Error(`transient failure ${job.attempt}`);
        return n;
      });
      const id = await queue.add({ n: 7, failTimes: 2 }, { attempts: 5, backoffMs: 40 });
      expect(await queue.waitFor(id, 10_000)).toBe(7);
      const times = attempts.get(id) ?? [];
      expect(times).toHaveLength(3);
      // Exponential backoff: ~40 ms, then ~80 ms.
      expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(30);
      expect((times[2] ?? 0) - (times[1] ?? 0)).toBeGreaterThanOrEqual(60);
      expect(await queue.get(id)).toMatchObject({ state: 'completed', attemptsMade: 3 });
    });

    it('moves a job that keeps failing to the dead-letter state', async () => {
      const queue = await fresh();
      queue.process(async () => {
        throw new Error('always broken');
      });
      const id = await queue.add({ n: 1 }, { attempts: 2, backoffMs: 10 });
      const error = await queue.waitFor(id, 10_000).catch((e: unknown) => e);
      expect(JobFailedError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/always broken/);
      expect(await queue.get(id)).toMatchObject({
        state: 'failed',
        attemptsMade: 2,
        error: 'always broken',
      });
      expect((await queue.counts()).failed).toBe(1);
    });

    it('treats a repeated idempotency key as the same job', async () => {
      const queue = await fresh();
      let runs = 0;
      queue.process(async ({ n }) => {
        runs += 1;
        return n;
      });
      const first = await queue.add({ n: 3 }, { idempotencyKey: 'task:abc:miner-1' });
      const second = await queue.add({ n: 99 }, { idempotencyKey: 'task:abc:miner-1' });
      expect(second).toBe(first);
      expect(await queue.waitFor(first, 10_000)).toBe(3);
      await sleep(50);
      expect(runs).toBe(1);
    });

    it('serves higher priority first', async () => {
      const queue = await fresh();
      const order: number[] = [];
      const ids = [];
      for (const [n, priority] of [
        [1, 0],
        [2, 10],
        [3, -5],
        [4, 10],
      ] as const) {
        ids.push(await queue.add({ n }, { priority }));
      }
      queue.process(async ({ n }) => {
        order.push(n);
        return n;
      });
      await Promise.all(ids.map((id) => queue.waitFor(id, 10_000)));
      expect(order).toEqual([2, 4, 1, 3]);
    });
  });
}
