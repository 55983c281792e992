import {
  describeCause,
  type Result,
  type Score,
  type SubnetProtocol,
  type Task,
} from '@mt/protocol';

/** A miner as the validator sees it: an id and a way to hand it a task. */
export interface MinerHandle {
  uid: string;
  solve(task: Task): Promise<Result>;
}

/** What one miner earned in one round. A miner that failed scores 0 and says why. */
export interface RoundOutcome {
  minerUid: string;
  taskId: string;
  score: number;
  /** Present when the miner failed to answer or its answer could not be scored. */
  error?: string;
}

/** Settings of one validation round. */
export interface RoundSettings {
  subnetUid: number;
  cycle: number;
  difficulty: number;
}

/**
 * Sends each miner its own task, scores every answer with `subnet`, and
 * returns one outcome per miner. A miner that throws or answers badly costs
 * only its own score, never the round.
 */
export async function runValidationRound(
  subnet: SubnetProtocol,
  miners: readonly MinerHandle[],
  settings: RoundSettings,
): Promise<RoundOutcome[]> {
  return Promise.all(
    miners.map(async (miner): Promise<RoundOutcome> => {
      const task = await subnet.createTask({ minerUid: miner.uid, ...settings });
      let score: Score;
      try {
        score = await subnet.scoreResult(task, await miner.solve(task));
      } catch (error) {
        return { minerUid: miner.uid, taskId: task.taskId, score: 0, error: describeCause(error) };
      }
      return { minerUid: miner.uid, taskId: task.taskId, score: score.value };
    }),
  );
}
