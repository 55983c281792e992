import { z } from 'zod';
import { jsonObjectSchema } from './json-value.js';
import { parseWith } from './parse-with.js';

/** Schema of {@link TaskContext}. */
export const taskContextSchema = z.object({
  /** The miner the task is meant for. */
  /** The UID, on the subnet, of the miner the task is for. */
  minerUid: z.int().min(0, 'must be a UID: an integer ≥ 0'),
  /** How hard the task should be, from 0 (easiest) to 1 (hardest). */
  difficulty: z.number().min(0).max(1),
  /** The subnet the task belongs to. */
  netuid: z.int().min(0),
  /** The validator's round the task was made in (`ValidatorNode.round`'s index). */
  round: z.int().min(0),
  metadata: jsonObjectSchema.default({}),
});

/** Where and for whom a task is created: miner, difficulty, subnet and round. */
export type TaskContext = z.output<typeof taskContextSchema>;
/** What {@link parseTaskContext} accepts: {@link TaskContext} with `metadata` optional. */
export type TaskContextInput = z.input<typeof taskContextSchema>;

/** Checks `input` and returns a {@link TaskContext}, or throws `SchemaValidationError`. */
export function parseTaskContext(input: unknown): TaskContext {
  return parseWith('TaskContext', taskContextSchema, input);
}
