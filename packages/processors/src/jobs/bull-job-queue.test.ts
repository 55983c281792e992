import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
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
    const queue = new BullJobQueue<{ n: number; failTimes?: number }, number>({
      name: `conformance-${randomUUID()}`,
      redisUrl: redis?.url ?? '',
    });
    return queue;
  },
  redis ? {} : { skip: 'no Redis' },
);
