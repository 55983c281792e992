import type { SubnetMiner } from '@mt/protocol';
import type { SubnetMetrics } from './subnet-metrics.js';
import { identityOf } from './with-cache.js';

/**
 * A miner whose solves are counted (`mt_subnet_solutions_total{outcome}`,
 * `computed` or `failed`) and timed (`mt_subnet_solve_seconds`).
 */
export function withMetrics(miner: SubnetMiner, metrics: SubnetMetrics): SubnetMiner {
  const labels = { subnet: miner.name };
  return {
    ...identityOf(miner),
    async solveTask(task, context) {
      const stopTimer = metrics.solveSeconds.startTimer(labels);
      try {
        const solution = await miner.solveTask(task, context);
        stopTimer();
        metrics.solved.inc({ ...labels, outcome: 'computed' });
        return solution;
      } catch (error) {
        metrics.solved.inc({ ...labels, outcome: 'failed' });
        throw error;
      }
    },
  };
}
