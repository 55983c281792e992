import { TaskValidationError } from '@mt/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type RegressionStrategy, RegressionSubnet } from './regression-subnet.js';

const context = { minerUid: 'miner-a', difficulty: 0.4, subnetUid: 2, cycle: 11 };
const opened: RegressionSubnet[] = [];

async function open(strategy?: RegressionStrategy): Promise<RegressionSubnet> {
  const subnet = new RegressionSubnet(strategy);
  await subnet.setup();
  opened.push(subnet);
  return subnet;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((subnet) => subnet.teardown()));
});

describe('RegressionSubnet', () => {
  it('makes the same task data from the same context, and different data for another miner', async () => {
    const subnet = await open();
    const a = await subnet.createTask(context);
    const b = await subnet.createTask(context);
    const c = await subnet.createTask({ ...context, minerUid: 'miner-b' });
    expect(a.taskData).toEqual(b.taskData);
    expect(a.taskData).not.toEqual(c.taskData);
    expect((a.taskData.xs as number[]).length).toBe(16 + Math.round(0.4 * 240));
  });

  it('ranks least squares first, a rough two-point line below it, and the mean at zero', async () => {
    const validator = await open();
    const scores: Record<string, number> = {};
    for (const strategy of ['least-squares', 'two-point', 'flat'] as const) {
      const miner = await open(strategy);
      const task = await validator.createTask(context);
      const score = await validator.scoreResult(task, await miner.solveTask(task));
      scores[strategy] = score.value;
    }
    expect(scores['least-squares']).toBe(1);
    expect(scores.flat).toBe(0);
    expect(scores['two-point']).toBeGreaterThan(0);
    expect(scores['two-point']).toBeLessThan(1);
  });

  it('scores a malformed answer 0 with the reason, instead of failing the round', async () => {
    const validator = await open();
    const task = await validator.createTask(context);
    const result = await validator.solveTask(task);
    const score = await validator.scoreResult(task, { ...result, resultData: { slope: 'steep' } });
    expect(score.value).toBe(0);
    expect(score.metadata.reason).toBe('malformed answer');
  });

  it('refuses a task whose coordinates do not pair up', async () => {
    const miner = await open();
    const task = await miner.createTask(context);
    const broken = { ...task, taskData: { xs: [1, 2, 3], ys: [1, 2] } };
    await expect(miner.solveTask(broken)).rejects.toThrow(TaskValidationError);
    await expect(miner.solveTask(broken)).rejects.toThrow(/same length/);
  });
});
