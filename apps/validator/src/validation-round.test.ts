import { RegressionSubnet } from '@mt/app-miner';
import { type Result, SubnetNotReadyError, type Task } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { formatTable } from './format-table.js';
import { type MinerHandle, runValidationRound } from './validation-round.js';

describe('runValidationRound', () => {
  it("scores each miner's own answer and isolates a failing miner", async () => {
    const validator = new RegressionSubnet();
    const honest = new RegressionSubnet('least-squares');
    const stopped = new RegressionSubnet('least-squares');
    await Promise.all([validator.setup(), honest.setup()]);
    const forged: MinerHandle = {
      uid: 'forger',
      // Answers with a perfect result for a task it was not given.
      solve: async (task: Task): Promise<Result> => {
        const other = await validator.createTask({
          ...task.context,
          cycle: task.context.cycle + 1,
        });
        return honest.solveTask({ ...other, context: task.context });
      },
    };
    const outcomes = await runValidationRound(
      validator,
      [
        { uid: 'honest', solve: (task) => honest.solveTask(task) },
        { uid: 'not-started', solve: (task) => stopped.solveTask(task) },
        forged,
      ],
      { subnetUid: 1, cycle: 4, difficulty: 0.5 },
    );
    expect(outcomes.map((o) => [o.minerUid, o.score])).toEqual([
      ['honest', 1],
      ['not-started', 0],
      ['forger', 0],
    ]);
    expect(outcomes[1]?.error).toBe(new SubnetNotReadyError('solveTask', 'created').message);
    expect(outcomes[2]?.error).toMatch(/answers task/);
    expect(new Set(outcomes.map((o) => o.taskId)).size).toBe(3);
  });
});

describe('formatTable', () => {
  it('aligns text left and numbers right', () => {
    expect(
      formatTable(
        ['miner', 'score'],
        [
          ['a', 1],
          ['bbbbbbb', 0.25],
        ],
      ),
    ).toBe(['miner    score', '-------  -----', 'a            1', 'bbbbbbb   0.25'].join('\n'));
  });
});
