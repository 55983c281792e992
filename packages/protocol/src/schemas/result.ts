import { z } from 'zod';
import { jsonObjectSchema } from './json-value.js';
import { parseWith } from './parse-with.js';
import { proofSchema } from './proof.js';

/** Schema of {@link Result}. */
export const resultSchema = z.object({
  taskId: z.string().min(1, 'must be a non-empty string'),
  /** The subnet-specific answer (generated text, model outputs, ...). */
  resultData: jsonObjectSchema,
  /** The miner's UID on the subnet. */
  minerUid: z.int().min(0, 'must be a UID: an integer ≥ 0'),
  /** Completion time, milliseconds since the Unix epoch. */
  completedAt: z.number().int().nonnegative(),
  /** Wall time the solver took, in ms, by the miner's own account: information, never scored. */
  executionTimeMs: z.number().nonnegative().optional(),
  proof: proofSchema.optional(),
  metadata: jsonObjectSchema.default({}),
});

/** A miner's answer to a {@link Task}. */
export type Result = z.output<typeof resultSchema>;
/** What {@link parseResult} accepts: {@link Result} with `metadata` optional. */
export type ResultInput = z.input<typeof resultSchema>;

/** Checks `input` and returns a {@link Result}, or throws `SchemaValidationError`. */
export function parseResult(input: unknown): Result {
  return parseWith('Result', resultSchema, input);
}
