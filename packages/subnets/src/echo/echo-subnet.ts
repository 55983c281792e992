import {
  type Judgement,
  newTask,
  type Observation,
  type Result,
  type SubnetMiner,
  type SubnetValidator,
  type Task,
  type TaskContextInput,
  TaskValidationError,
} from '@mt/protocol';
import { observedSpeed } from '../speed.js';

const NAME = 'echo';
const VERSION = '1.0.0';

function textOf(task: Task): string {
  const { text } = task.taskData;
  if (typeof text !== 'string')
    throw new TaskValidationError(task.taskId, 'taskData.text must be a string');
  return text;
}

/**
 * The smallest real subnet, as a template for your own: a miner that echoes
 * the task's text, and a validator that scores an exact echo by how fast it
 * came (as the validator measured it). Used by the tests of the miner and
 * validator nodes, which need a subnet with no models.
 */
export function echoMiner(): SubnetMiner {
  return {
    name: NAME,
    version: VERSION,
    async solveTask(task, context) {
      const text = textOf(task);
      context.signal.throwIfAborted();
      return { resultData: { text } };
    },
  };
}

/** Options of {@link echoValidator}. */
export interface EchoValidatorOptions {
  /** Time a miner has per task. Default 5 s. */
  timeoutMs?: number;
}

/** The validator's half of the echo subnet (see {@link echoMiner}). */
export function echoValidator(options: EchoValidatorOptions = {}): SubnetValidator {
  return {
    name: NAME,
    version: VERSION,
    async createTask(context: TaskContextInput) {
      const text = `echo ${Math.random().toString(36).slice(2, 10)}`;
      return newTask(context, { taskData: { text }, timeoutMs: options.timeoutMs ?? 5_000 });
    },
    async scoreResult(task: Task, result: Result, observation: Observation): Promise<Judgement> {
      if (result.resultData.text !== textOf(task)) {
        return { value: 0, metadata: { code: 'wrong_answer', reason: 'the text was not echoed' } };
      }
      const speed = observedSpeed(observation);
      return { value: 0.8 + 0.2 * speed, metadata: { speed } };
    },
  };
}
