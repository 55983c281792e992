import {
  type Judgement,
  type NewTask,
  type Result,
  type Solution,
  SubnetProtocol,
  type Task,
  type TaskContext,
} from '@mt/protocol';
import { z } from 'zod';
import { fitLeastSquares, type Line, sumSquaredError } from './line-fit.js';
import { seededRandom } from './seeded-random.js';

/**
 * How a miner answers: `least-squares` does the work, `two-point` draws a line
 * through the first and last point (cheap and rough), `flat` returns the mean.
 */
export type RegressionStrategy = 'least-squares' | 'two-point' | 'flat';

const taskDataSchema = z.object({
  xs: z.array(z.number()).min(2),
  ys: z.array(z.number()).min(2),
});
const resultDataSchema = z.object({ slope: z.number(), intercept: z.number() });

/**
 * The demo's subnet: each task is a cloud of noisy points on a line, and a
 * miner must fit the line. The score is the share of the achievable error
 * reduction a miner's line delivers, from predicting the mean (0) to the least
 * squares optimum (1), so better work earns a higher score and no answer can
 * be passed off as good without fitting the data.
 */
export class RegressionSubnet extends SubnetProtocol {
  readonly #strategy: RegressionStrategy;

  constructor(strategy: RegressionStrategy = 'least-squares') {
    super({
      name: 'regression',
      version: '0.1.0',
      description: 'Fit a straight line to noisy points; scored by error reduction.',
    });
    this.#strategy = strategy;
  }

  protected createTaskImpl(context: TaskContext): NewTask {
    const random = seededRandom(
      context.cycle * 7919 + context.subnetUid * 104_729 + hash(context.minerUid),
    );
    const count = 16 + Math.round(context.difficulty * 240);
    const slope = random() * 4 - 2;
    const intercept = random() * 10 - 5;
    const noise = 0.5 + context.difficulty * 2;
    const xs = Array.from({ length: count }, () => random() * 20 - 10);
    const ys = xs.map((x) => slope * x + intercept + (random() * 2 - 1) * noise);
    return { taskData: { xs, ys }, timeoutMs: 5_000 };
  }

  protected override validateTaskImpl(task: Task): string | undefined {
    const parsed = taskDataSchema.safeParse(task.taskData);
    if (!parsed.success) return `taskData must hold xs and ys, arrays of at least 2 numbers`;
    if (parsed.data.xs.length !== parsed.data.ys.length)
      return 'xs and ys must have the same length';
    return undefined;
  }

  protected solveTaskImpl(task: Task): Solution {
    const { xs, ys } = taskDataSchema.parse(task.taskData);
    const line = solveWith(this.#strategy, xs, ys);
    return {
      resultData: { slope: line.slope, intercept: line.intercept },
      metadata: { strategy: this.#strategy },
    };
  }

  protected scoreResultImpl(task: Task, result: Result): Judgement {
    const { xs, ys } = taskDataSchema.parse(task.taskData);
    const answer = resultDataSchema.safeParse(result.resultData);
    if (!answer.success)
      return { value: 0, confidence: 1, metadata: { reason: 'malformed answer' } };
    const best = sumSquaredError(fitLeastSquares(xs, ys), xs, ys);
    const baseline = sumSquaredError(solveWith('flat', xs, ys), xs, ys);
    const achieved = sumSquaredError(answer.data, xs, ys);
    const achievable = baseline - best;
    const value = achievable <= 0 ? 1 : (baseline - achieved) / achievable;
    return {
      value: Math.min(1, Math.max(0, value)),
      confidence: 1,
      metadata: { sse: achieved, bestSse: best },
    };
  }
}

function solveWith(strategy: RegressionStrategy, xs: number[], ys: number[]): Line {
  switch (strategy) {
    case 'least-squares':
      return fitLeastSquares(xs, ys);
    case 'flat':
      return { slope: 0, intercept: ys.reduce((a, b) => a + b, 0) / ys.length };
    case 'two-point': {
      const [x0 = 0, x1 = 0] = [xs[0], xs[xs.length - 1]];
      const [y0 = 0, y1 = 0] = [ys[0], ys[ys.length - 1]];
      const slope = x1 === x0 ? 0 : (y1 - y0) / (x1 - x0);
      return { slope, intercept: y0 - slope * x0 };
    }
  }
}

/** FNV-1a of a string, to fold the miner's id into the task seed. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
