import { isMtErrorWithCodePrefix, MtError, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/scoring` starts with. */
export const SCORING_ERROR_PREFIX = 'MT_SCORING_';

/**
 * Base class of every error `@mt/scoring` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_SCORING_` prefix of its code; each concrete error adds its own code.
 */
export class ScoringError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<ScoringError>(SCORING_ERROR_PREFIX);

  constructor(code: `MT_SCORING_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}
