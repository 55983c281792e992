import { z } from 'zod';
import { parseWith } from './parse-with.js';
import { scoreSchema } from './score.js';

/** Schema of {@link ValidatorScore}. */
export const validatorScoreSchema = z.object({
  /** The validator's UID on the subnet. */
  validatorUid: z.int().min(0, 'must be a UID: an integer ≥ 0'),
  score: scoreSchema,
  /** The validator's stake; weights its vote in stake-weighted consensus. */
  stake: z
    .number()
    .min(0, 'must not be negative')
    .refine(Number.isFinite, 'must be finite')
    .default(1),
  /** Track record of the validator from 0 to 1; aggregators may weight by it. */
  reputation: z.number().min(0).max(1).default(1),
});

/** One validator's score for a result, with the stake and reputation behind it. */
export type ValidatorScore = z.output<typeof validatorScoreSchema>;
/** What {@link parseValidatorScore} accepts. */
export type ValidatorScoreInput = z.input<typeof validatorScoreSchema>;

/** Checks `input` and returns a {@link ValidatorScore}, or throws `SchemaValidationError`. */
export function parseValidatorScore(input: unknown): ValidatorScore {
  return parseWith('ValidatorScore', validatorScoreSchema, input);
}
