import { z } from 'zod';
import { jsonObjectSchema } from './json-value.js';
import { parseWith } from './parse-with.js';
import { taskContextSchema } from './task-context.js';

/** Schema of {@link Task}. */
export const taskSchema = z.object({
  taskId: z.string().min(1, 'must be a non-empty string'),
  /** The subnet-specific payload (a prompt, a model input, ...). */
  taskData: jsonObjectSchema,
  context: taskContextSchema,
  /** Creation time, milliseconds since the Unix epoch. */
  createdAt: z.number().int().nonnegative(),
  /**
   * How long a solver may take, in ms: the validator signs it into the request
   * as its deadline. Required: the subnet that makes a task says how long it
   * takes, so no layer below guesses.
   */
  timeoutMs: z.number().int().positive(),
});

/** A unit of work a validator sends to a miner. */
export type Task = z.output<typeof taskSchema>;
/** What {@link parseTask} accepts. */
export type TaskInput = z.input<typeof taskSchema>;

/** Checks `input` and returns a {@link Task}, or throws `SchemaValidationError`. */
export function parseTask(input: unknown): Task {
  return parseWith('Task', taskSchema, input);
}
