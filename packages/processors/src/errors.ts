import { isMtErrorWithCodePrefix, MtError, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/processors` starts with. */
export const PROCESSORS_ERROR_PREFIX = 'MT_PROCESSORS_';

/**
 * Base class of every error `@mt/processors` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_PROCESSORS_` prefix of its code; each concrete error adds its own code.
 */
export class ProcessorError extends MtError {
  static override readonly isInstance =
    isMtErrorWithCodePrefix<ProcessorError>(PROCESSORS_ERROR_PREFIX);

  constructor(code: `MT_PROCESSORS_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}
