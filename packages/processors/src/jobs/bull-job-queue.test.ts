import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BullJobQueue } from './bull-job-queue.js';
import { describeJobQueue } from './test-support/job-queue-conformance.js';
import { redisForTests } from './test-support/redis-for-tests.js';

const redis = await redisForTests();
if (!redis) {
  console.warn(
    'SKIPPED: the BullMQ (Redis) job-queue tests need Redis; set REDIS_URL or install redis-server (.ci/run installs and starts one).',
  );
}
afterAll(async () => {
  await redis?.stop();
});

describeJobQueue(
  'BullMQ on Redis',
  async () => {
    return BullJobQueue.open<{ n: number; failTimes?: number }, number>({
      name: `conformance-${randomUUID()}`,
      redisUrl: redis?.url ?? '',
    });
  },
  redis ? {} : { skip: 'no Redis' },
);

describe.skipIf(!redis)('BullJobQueue across processes', () => {
  it('spreads one queue’s jobs over several workers, each job done once', async () => {
    const name = `shared-${randomUUID()}`;
    const url = redis?.url ?? '';
    const producer = await BullJobQueue.open<number, string>({ name, redisUrl: url });
    const machines = await Promise.all(
      ['a', 'b'].map(async (label) => {
        const queue = await BullJobQueue.open<number, string>({ name, redisUrl: url });
        const seen: number[] = [];
        queue.process(
          async (n) => {
            seen.push(n);
            // Long enough that one worker cannot drain the queue before the other is up.
            await new Promise((resolve) => setTimeout(resolve, 40));
            return `${label}:${n}`;
          },
          { concurrency: 2 },
        );
        return { queue, seen };
      }),
    );
    try {
      const ids = await Promise.all(Array.from({ length: 40 }, (_, n) => producer.add(n)));
      const results = await Promise.all(ids.map((id) => producer.waitFor(id, 20_000)));
      expect(results.map((r) => Number(r.split(':')[1]))).toEqual(
        Array.from({ length: 40 }, (_, n) => n),
      );
      const all = machines.flatMap((m) => m.seen).sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: 40 }, (_, n) => n));
      expect(machines.every((m) => m.seen.length > 0)).toBe(true);
    } finally {
      await producer.obliterate();
      await Promise.all([producer.close(), ...machines.map((m) => m.queue.close())]);
    }
  });
});
