import { BullJobQueue, type JobQueue, MemoryJobQueue } from '@mt/processors';
import {
  newTask,
  type Result,
  resultSchema,
  type SubnetMiner,
  type Task,
  TaskValidationError,
} from '@mt/protocol';
import { echoMiner } from '@mt/subnets';
import { Hotkey, ValidatorClient } from '@mt/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMinerNodeHandler,
  type MinerJob,
  serveMinerJobs,
  startMinerNode,
} from './miner-node.js';

/** Uppercases text; records the deadline and signal it was given. */
function upper(seen: { deadline?: number; signal?: AbortSignal } = {}): SubnetMiner {
  return {
    name: 'upper',
    version: '1.0.0',
    async solveTask(task, context) {
      seen.deadline = context.deadline;
      seen.signal = context.signal;
      if (typeof task.taskData.text !== 'string')
        throw new TaskValidationError(task.taskId, 'taskData.text must be a string');
      return { resultData: { text: task.taskData.text.toUpperCase() } };
    },
  };
}

const taskFor = (minerUid: number, text: unknown = 'hello wide world'): Task =>
  newTask(
    { minerUid, difficulty: 0.5, netuid: 1, round: 0 },
    { taskData: { text: text as string }, timeoutMs: 2_000 },
  );

/** A validator client whose requests go to `handler` in memory. */
function clientFor(handler: { fetch(request: Request): Promise<Response> }) {
  return new ValidatorClient({ hotkey: Hotkey.generate(), fetch: (r) => handler.fetch(r) });
}

describe('the miner node, in memory', () => {
  it('answers a task with its subnet’s result, stamped for the task, within its deadline', async () => {
    const seen: { deadline?: number } = {};
    const key = Hotkey.generate();
    const handler = createMinerNodeHandler({ hotkey: key, subnets: [{ miner: upper(seen) }] });
    const task = taskFor(7);
    const sent = Date.now();
    const [outcome] = await clientFor(handler).query(
      [{ address: key.address, url: 'http://miner.test' }],
      'upper',
      task,
      { responseSchema: resultSchema, timeoutMs: task.timeoutMs ?? 0 },
    );
    expect(outcome?.status).toBe('ok');
    expect(outcome?.result).toMatchObject({
      taskId: task.taskId,
      minerUid: 7,
      resultData: { text: 'HELLO WIDE WORLD' },
    });
    expect(seen.deadline).toBeGreaterThanOrEqual(sent + 2_000);
    expect(seen.deadline).toBeLessThan(sent + 2_500);
  });

  it('refuses a task that breaks the subnet’s rules with 422, and a malformed Task with 422', async () => {
    const key = Hotkey.generate();
    const handler = createMinerNodeHandler({ hotkey: key, subnets: [{ miner: upper() }] });
    const miner = [{ address: key.address, url: 'http://miner.test' }];
    const client = clientFor(handler);
    const [bad] = await client.query(miner, 'upper', taskFor(1, 5));
    expect(bad).toMatchObject({
      status: 'rejected',
      httpStatus: 422,
      code: 'MT_WIRE_INVALID_INPUT',
    });
    const [notATask] = await client.query(miner, 'upper', { text: 'no id' });
    expect(notATask).toMatchObject({ status: 'rejected', httpStatus: 422 });
  });

  it('serves only senders the blacklist lets through', async () => {
    const key = Hotkey.generate();
    const allowed = Hotkey.generate();
    const handler = createMinerNodeHandler({
      hotkey: key,
      subnets: [{ miner: echoMiner() }],
      blacklist: (sender) => (sender === allowed.address ? undefined : 'not a validator here'),
    });
    const miner = [{ address: key.address, url: 'http://miner.test' }];
    const task = newTask(
      { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0 },
      { taskData: { text: 'x' }, timeoutMs: 1_000 },
    );
    const [stranger] = await clientFor(handler).query(miner, 'echo', task);
    expect(stranger).toMatchObject({ status: 'rejected', httpStatus: 403 });
    const known = new ValidatorClient({ hotkey: allowed, fetch: (r) => handler.fetch(r) });
    const [served] = await known.query(miner, 'echo', task);
    expect(served?.status).toBe('ok');
  });
});

describe('the miner node, on a socket', () => {
  const key = Hotkey.generate();
  let server: Awaited<ReturnType<typeof startMinerNode>>;
  beforeAll(async () => {
    server = await startMinerNode({ hotkey: key, subnets: [{ miner: upper() }] });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers over HTTP and serves /health and /metrics', async () => {
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
    const [outcome] = await client.query(
      [{ address: key.address, url: server.url }],
      'upper',
      taskFor(2),
      {
        responseSchema: resultSchema,
      },
    );
    expect(outcome?.status).toBe('ok');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
  });
});

type Pair = () => Promise<[front: JobQueue<MinerJob, Result>, worker: JobQueue<MinerJob, Result>]>;
const queues: [string, Pair][] = [
  [
    'memory',
    async () => {
      const queue = new MemoryJobQueue<MinerJob, Result>();
      return [queue, queue];
    },
  ],
];
if (process.env.REDIS_URL) {
  const redisUrl = process.env.REDIS_URL;
  // Two connections to one queue name: the front end and a worker that could be on another machine.
  queues.push([
    'redis',
    () => {
      const name = `miner-${Date.now()}`;
      const open = () => BullJobQueue.open<MinerJob, Result>({ name, redisUrl });
      return Promise.all([open(), open()]);
    },
  ]);
} else
  console.warn('SKIPPED: the Redis job-queue miner test needs REDIS_URL (.ci/run provides one)');

describe.each(queues)('a miner spreading work through a %s job queue', (_name, makeQueues) => {
  it('answers through a worker that took the task, with the deadline, from the queue', async () => {
    const [front, worker] = await makeQueues();
    const solvedBy: string[] = [];
    const seen: { deadline?: number } = {};
    // The front end solves nothing itself: only the worker's miner can answer.
    serveMinerJobs(worker, [
      {
        miner: upper(seen),
        strategy: async (_task, solve) => {
          solvedBy.push('worker');
          return solve();
        },
      },
    ]);
    const key = Hotkey.generate();
    const frontMiner: SubnetMiner = {
      ...upper(),
      solveTask: () => Promise.reject(new Error('the front end must not solve')),
    };
    const handler = createMinerNodeHandler({
      hotkey: key,
      subnets: [{ miner: frontMiner }],
      jobQueue: front,
    });
    try {
      const task = taskFor(3);
      // BullMQ's connections and its worker's first poll take seconds on a loaded
      // 2-core machine; the call's deadline (which the client now always keeps) leaves room.
      const [outcome] = await clientFor(handler).query(
        [{ address: key.address, url: 'http://miner.test' }],
        'upper',
        task,
        { responseSchema: resultSchema, timeoutMs: 25_000 },
      );
      expect(outcome?.status).toBe('ok');
      expect(outcome?.result).toMatchObject({
        taskId: task.taskId,
        resultData: { text: 'HELLO WIDE WORLD' },
      });
      expect(solvedBy).toEqual(['worker']);
      expect(seen.deadline).toBeGreaterThan(Date.now() - 5_000);
    } finally {
      await handler.close();
      await front.close();
      if (worker !== front) await worker.close();
    }
    // A correctness test, so a limit no run should reach.
  }, 60_000);
});
