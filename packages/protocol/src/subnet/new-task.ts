import type { JsonObject } from '../schemas/json-value.js';
import { parseResult, type Result } from '../schemas/result.js';
import { parseTask, type Task } from '../schemas/task.js';
import type { TaskContextInput } from '../schemas/task-context.js';
import type { Solution, SolveContext, SubnetMiner } from './roles.js';

/**
 * A new {@link Task} for `context`: a fresh id, the creation time and the
 * subnet's payload and time budget, checked against the `Task` schema.
 */
export function newTask(
  context: TaskContextInput,
  payload: { taskData: JsonObject; timeoutMs: number },
  now: () => number = Date.now,
): Task {
  return parseTask({
    // Web Crypto's, present in Node and browsers alike.
    taskId: globalThis.crypto.randomUUID(),
    taskData: payload.taskData,
    context,
    createdAt: now(),
    timeoutMs: payload.timeoutMs,
  });
}

/**
 * The {@link Result} a miner sends for `task`: its solution stamped with the
 * task's id and miner, the completion time and the time it took (which the
 * validator treats as the miner's claim, never as a measurement).
 */
export function resultOf(
  task: Task,
  solution: Solution,
  timing: { completedAt: number; executionTimeMs: number },
): Result {
  return parseResult({
    taskId: task.taskId,
    minerUid: task.context.minerUid,
    resultData: solution.resultData,
    completedAt: timing.completedAt,
    executionTimeMs: timing.executionTimeMs,
    metadata: solution.metadata ?? {},
    ...(solution.proof === undefined ? {} : { proof: solution.proof }),
  });
}

/**
 * Runs `miner` on `task` within `context` (its signal and deadline) and
 * returns the {@link Result} to send, timed by the miner's own clock.
 */
export async function solveToResult(
  miner: SubnetMiner,
  task: Task,
  context: SolveContext,
): Promise<Result> {
  const started = performance.now();
  const solution = await miner.solveTask(task, context);
  return resultOf(task, solution, {
    completedAt: Date.now(),
    executionTimeMs: performance.now() - started,
  });
}
