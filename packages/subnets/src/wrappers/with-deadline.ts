import { raceWithSignal, type SubnetMiner, TaskAbortedError } from '@mt/protocol';
import { identityOf } from './with-cache.js';

/**
 * A miner whose caller is released when the task's signal fires (its
 * deadline, or the validator gone), with `TaskAbortedError`, even if the
 * solver is slow to notice. The miner server already does this for tasks off
 * the wire; this is for other callers, such as job-queue workers.
 */
export function withDeadline(miner: SubnetMiner): SubnetMiner {
  return {
    ...identityOf(miner),
    async solveTask(task, context) {
      try {
        return await raceWithSignal(miner.solveTask(task, context), context.signal);
      } catch (error) {
        if (context.signal.aborted && error === context.signal.reason)
          throw new TaskAbortedError(task.taskId, context.signal.reason);
        throw error;
      }
    },
  };
}
