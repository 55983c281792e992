import { isMtErrorWithCodePrefix, MtError, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/subnets` starts with. */
export const SUBNETS_ERROR_PREFIX = 'MT_SUBNETS_';

/**
 * Base class of every error `@mt/subnets` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_SUBNETS_` prefix of its code; each concrete error adds its own code.
 */
export class SubnetError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<SubnetError>(SUBNETS_ERROR_PREFIX);

  constructor(code: `MT_SUBNETS_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}
