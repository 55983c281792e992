import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/scoring` starts with. */
export const SCORING_ERROR_PREFIX = 'MT_SCORING_';

const family = errorFamily(SCORING_ERROR_PREFIX);

/**
 * Base class of every error `@mt/scoring` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_SCORING_` prefix of its code; each concrete error adds its own code.
 */
export class ScoringError extends family.Error {}

/**
 * Input to a scorer, an aggregator or Yuma was malformed: NaN or Infinity, a
 * negative stake, mismatched lengths, an unknown UID, a weight past u16. The
 * `argument` names the culprit, e.g. `stake[3]` or `weights[1][0].uid`.
 */
export class InvalidScoringInputError extends family.InvalidInput {}

/** A consensus could not be formed, e.g. fewer validators than `minValidators`. */
export class InsufficientConsensusError extends ScoringError {
  static readonly code = 'MT_SCORING_INSUFFICIENT_CONSENSUS';
  static override readonly isInstance = isMtErrorWithCode<InsufficientConsensusError>(
    InsufficientConsensusError.code,
  );

  constructor(message: string) {
    super(InsufficientConsensusError.code, message);
  }
}

/**
 * A scorer could not produce a score at all: no criteria, every criterion
 * failed, or a reward model or comparator broke its contract. (A single failing
 * criterion is not this error; it shows in the score's breakdown.)
 */
export class ScoringFailedError extends ScoringError {
  static readonly code = 'MT_SCORING_FAILED';
  static override readonly isInstance = isMtErrorWithCode<ScoringFailedError>(
    ScoringFailedError.code,
  );

  constructor(message: string, options?: MtErrorOptions) {
    super(ScoringFailedError.code, message, options);
  }
}
