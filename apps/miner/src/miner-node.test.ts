import { BullJobQueue, type JobQueue, MemoryJobQueue } from '@mt/processors';
import { type Result, resultSchema, SubnetProtocol, type Task } from '@mt/protocol';
import { Hotkey, ValidatorClient } from '@mt/protocol/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MinerJob, serveMinerJobs, startMinerNode } from './miner-node.js';
import { cheatingStrategy, lazyStrategy } from './strategies.js';

class UpperSubnet extends SubnetProtocol {
  constructor() {
    super({ name: 'upper', version: '1.0.0', description: 'uppercases text' });
  }
  protected createTaskImpl() {
    return { taskData: { text: 'hello wide world' } };
  }
  protected solveTaskImpl(task: Task) {
    return { resultData: { text: String(task.taskData.text).toUpperCase() } };
  }
  protected scoreResultImpl() {
    return { value: 1 };
  }
}

const subnet = new UpperSubnet();
const minerKey = Hotkey.generate();
let server: Awaited<ReturnType<typeof startMinerNode>>;

beforeAll(async () => {
  await subnet.setup();
  server = await startMinerNode({ hotkey: minerKey, subnets: [{ subnet }] });
});

afterAll(async () => {
  await server?.close();
});

/** Sends an `upper` task for `minerUid` to the miner at `url`, as a validator would. */
async function ask(miner: Hotkey, url: string, minerUid: string) {
  const client = new ValidatorClient({ hotkey: Hotkey.generate() });
  const task = await subnet.createTask({ minerUid, difficulty: 0.5, subnetUid: 1, cycle: 0 });
  const [outcome] = await client.query([{ address: miner.address, url }], 'upper', task, {
    responseSchema: resultSchema,
  });
  return { task, outcome };
}

describe('startMinerNode', () => {
  it('answers signed task requests with the subnet result, stamped for the task', async () => {
    const { task, outcome } = await ask(minerKey, server.url, '7');
    expect(outcome?.status).toBe('ok');
    expect(outcome?.result).toMatchObject({
      taskId: task.taskId,
      minerUid: '7',
      resultData: { text: 'HELLO WIDE WORLD' },
    });
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
  });
});

type Pair = () => [front: JobQueue<MinerJob, Result>, worker: JobQueue<MinerJob, Result>];
const queues: [string, Pair][] = [
  [
    'memory',
    () => {
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
      return [new BullJobQueue({ name, redisUrl }), new BullJobQueue({ name, redisUrl })];
    },
  ]);
} else
  console.warn('SKIPPED: the Redis job-queue miner test needs REDIS_URL (.ci/run provides one)');

describe.each(queues)('a miner spreading work through a %s job queue', (_name, makeQueues) => {
  it('answers through a worker that took the task from the queue', async () => {
    const [front, worker] = makeQueues();
    const solvedBy: string[] = [];
    const workerSubnet = new UpperSubnet();
    await workerSubnet.setup();
    // The front end solves nothing itself: only the worker's subnet can answer.
    serveMinerJobs(worker, [
      {
        subnet: workerSubnet,
        strategy: async (_task, solve) => {
          solvedBy.push('worker');
          return solve();
        },
      },
    ]);
    const key = Hotkey.generate();
    const node = await startMinerNode({ hotkey: key, subnets: [{ subnet }], jobQueue: front });
    try {
      const { task, outcome } = await ask(key, node.url, '3');
      expect(outcome?.status).toBe('ok');
      expect(outcome?.result).toMatchObject({
        taskId: task.taskId,
        resultData: { text: 'HELLO WIDE WORLD' },
      });
      expect(solvedBy).toEqual(['worker']);
    } finally {
      await node.close();
      await front.close();
      if (worker !== front) await worker.close();
    }
  });
});

describe('the demo strategies', () => {
  const honest: Result = {
    taskId: 't',
    minerUid: 'm',
    completedAt: 1,
    metadata: {},
    resultData: { text: 'one two three four', predicted: 1, outputs: [0.1, 0.9, 0.2] },
    proof: {
      system: 'groth16',
      proof: {},
      publicSignals: ['1', '2', '3', '1', '5', '6'],
      verificationKeyHash: 'a'.repeat(64),
      outputs: [0.1, 0.9, 0.2],
      createdAt: 1,
    },
  };
  const task = {} as Task;

  it('lazy: two words, no proof', async () => {
    const result = await lazyStrategy(task, async () => structuredClone(honest));
    expect(result.resultData.text).toBe('one two');
    expect(result.proof).toBeUndefined();
  });

  it('cheater: claims another class and edits the proof to match', async () => {
    const result = await cheatingStrategy(task, async () => structuredClone(honest));
    expect(result.resultData.predicted).toBe(2);
    expect(result.proof?.publicSignals[3]).toBe('2');
    const { proof: _proof, ...withoutProof } = honest;
    const text = await cheatingStrategy(task, async () => structuredClone(withoutProof));
    expect(text.resultData).toMatchObject({ completionTokens: 999 });
  });
});
