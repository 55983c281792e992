import { z } from 'zod';
import { jsonObjectSchema } from './json-value.js';
import { parseWith } from './parse-with.js';

const unitInterval = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1');

/** Schema of {@link Score}. */
export const scoreSchema = z.object({
  /** How good the result was, from 0 (worthless) to 1 (perfect). */
  value: unitInterval,
  /** How sure the scorer is of `value`, from 0 to 1. */
  confidence: unitInterval.default(1),
  metadata: jsonObjectSchema.default({}),
  /** The validator that gave the score, when known. */
  validatorUid: z.int().min(0, 'must be a UID: an integer ≥ 0').optional(),
  /** Time of scoring, milliseconds since the Unix epoch. */
  timestamp: z.number().int().nonnegative(),
});

/** A validator's judgement of one result. */
export type Score = z.output<typeof scoreSchema>;
/** What {@link parseScore} accepts: {@link Score} with `confidence` and `metadata` optional. */
export type ScoreInput = z.input<typeof scoreSchema>;

/** Checks `input` and returns a {@link Score}, or throws `SchemaValidationError`. */
export function parseScore(input: unknown): Score {
  return parseWith('Score', scoreSchema, input);
}
