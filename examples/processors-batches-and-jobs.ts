// @mt/processors alone: batching in process, and the Redis queue's optional
// peers refused with the install line rather than loaded.
//   npm install @mt/processors          (add bullmq ioredis for jobs on Redis)
import assert from 'node:assert/strict';
import { BatchProcessor, BullJobQueue, MemoryJobQueue } from '@mt/processors';
import { MissingPeerError } from '@mt/protocol';

const batches: number[] = [];
const batcher = new BatchProcessor<number, number>(
  async (items) => {
    batches.push(items.length);
    return items.map((n) => n * 2);
  },
  { maxBatchSize: 8, maxDelayMs: 5 },
);
const doubled = await Promise.all([1, 2, 3, 4].map((n) => batcher.process(n)));
assert.deepEqual(doubled, [2, 4, 6, 8]);
batcher.close();

const jobs = new MemoryJobQueue<number, number>();
jobs.process(async (n) => n + 1);
assert.equal(await jobs.waitFor(await jobs.add(41), 5_000), 42);
await jobs.close();

const redis = await BullJobQueue.open({ name: 'smoke', redisUrl: 'redis://127.0.0.1:1' }).catch(
  (e: unknown) => e,
);
assert.ok(MissingPeerError.isInstance(redis) && redis.peer === 'bullmq', String(redis));
console.log(`batches ${batches.join('+')}; BullJobQueue without bullmq: ${redis.code}`);
