import { isMtErrorWithCodePrefix, MtError, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/zkml` starts with. */
export const ZKML_ERROR_PREFIX = 'MT_ZKML_';

/**
 * Base class of every error `@mt/zkml` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_ZKML_` prefix of its code; each concrete error adds its own code.
 */
export class ZkmlError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<ZkmlError>(ZKML_ERROR_PREFIX);

  constructor(code: `MT_ZKML_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}
