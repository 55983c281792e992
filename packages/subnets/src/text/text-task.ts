import { type Task, TaskValidationError } from '@mt/protocol';

/** What a text-generation task asks for. */
export interface TextRequest {
  prompt: string;
  topic: string;
  maxNewTokens: number;
}

/** The subnet's own rules for `taskData`, checked once by whoever receives the task. */
export function textRequestOf(task: Task): TextRequest {
  const { prompt, topic, maxNewTokens } = task.taskData;
  const refuse = (reason: string): never => {
    throw new TaskValidationError(task.taskId, reason);
  };
  if (typeof prompt !== 'string' || prompt.trim() === '')
    refuse('taskData.prompt must be a non-empty string');
  if (
    typeof maxNewTokens !== 'number' ||
    !Number.isInteger(maxNewTokens) ||
    maxNewTokens < 1 ||
    maxNewTokens > 512
  ) {
    refuse('taskData.maxNewTokens must be an integer from 1 to 512');
  }
  return {
    prompt: prompt as string,
    topic: typeof topic === 'string' ? topic : '',
    maxNewTokens: maxNewTokens as number,
  };
}

/** The subnet's name and version, shared by its miner and validator. */
export const TEXT_GENERATION = { name: 'text-generation', version: '1.0.0' } as const;
