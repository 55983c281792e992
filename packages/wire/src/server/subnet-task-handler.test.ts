import { setTimeout as sleep } from 'node:timers/promises';
import { newTask, resultSchema, type SubnetMiner } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { ValidatorClient } from '../client/validator-client.js';
import { Hotkey } from '../keys/hotkey.js';
import { createMinerHandler } from './miner-handler.js';
import { subnetTaskHandler } from './task-stages.js';

const context = { minerUid: 3, difficulty: 0.5, netuid: 1, round: 0 };

function serve(miner: SubnetMiner) {
  const key = Hotkey.generate();
  const handler = createMinerHandler({
    hotkey: key,
    handlers: { [miner.name]: subnetTaskHandler(miner) },
  });
  const client = new ValidatorClient({
    hotkey: Hotkey.generate(),
    fetch: (request) => handler.fetch(request),
    marginMs: 200,
  });
  return { endpoint: { address: key.address, url: 'http://miner.test' }, client };
}

describe('subnetTaskHandler', () => {
  it('serves a miner role: the task in, its Result out, with the signed deadline', async () => {
    let seenDeadline = 0;
    const { endpoint, client } = serve({
      name: 'echo',
      version: '1.0.0',
      async solveTask(task, { deadline }) {
        seenDeadline = deadline;
        return { resultData: { text: String(task.taskData.text) } };
      },
    });
    const task = newTask(context, { taskData: { text: 'hi' }, timeoutMs: 3_000 });
    const sent = Date.now();
    const [outcome] = await client.query([endpoint], 'echo', task, {
      responseSchema: resultSchema,
      timeoutMs: 3_000,
    });
    expect(outcome?.status).toBe('ok');
    expect(outcome?.result).toMatchObject({
      taskId: task.taskId,
      minerUid: 3,
      resultData: { text: 'hi' },
    });
    expect(seenDeadline).toBeGreaterThanOrEqual(sent + 3_000);
  });

  it('refuses a body that is not a Task before the miner runs', async () => {
    let ran = false;
    const { endpoint, client } = serve({
      name: 'echo',
      version: '1.0.0',
      async solveTask() {
        ran = true;
        return { resultData: {} };
      },
    });
    const [outcome] = await client.query([endpoint], 'echo', { text: 'not a task' });
    expect(outcome).toMatchObject({
      status: 'rejected',
      httpStatus: 422,
      code: 'MT_WIRE_INVALID_INPUT',
    });
    expect(ran).toBe(false);
  });

  it('stops the miner at the deadline: its signal fires and the validator hears timeout', async () => {
    let aborted = false;
    const { endpoint, client } = serve({
      name: 'slow',
      version: '1.0.0',
      async solveTask(_task, { signal }) {
        await sleep(30_000, undefined, { signal }).catch(() => {
          aborted = signal.aborted;
        });
        return { resultData: {} };
      },
    });
    // Room for a loaded machine to verify the request before the deadline.
    const task = newTask(context, { taskData: {}, timeoutMs: 1_000 });
    const [outcome] = await client.query([endpoint], 'slow', task, { timeoutMs: 1_000 });
    expect(outcome?.status).toBe('timeout');
    expect(aborted).toBe(true);
  });
});
