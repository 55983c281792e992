import { isMtErrorWithCodePrefix, MtError, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/models` starts with. */
export const MODELS_ERROR_PREFIX = 'MT_MODELS_';

/**
 * Base class of every error `@mt/models` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_MODELS_` prefix of its code; each concrete error adds its own code.
 */
export class ModelError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<ModelError>(MODELS_ERROR_PREFIX);

  constructor(code: `MT_MODELS_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}
