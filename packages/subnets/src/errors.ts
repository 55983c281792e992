import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/subnets` starts with. */
export const SUBNETS_ERROR_PREFIX = 'MT_SUBNETS_';

const family = errorFamily(SUBNETS_ERROR_PREFIX);

/**
 * Base class of every error `@mt/subnets` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_SUBNETS_` prefix of its code; each concrete error adds its own code.
 */
export class SubnetError extends family.Error {}

/**
 * A failure worth another try (a busy worker, a transient I/O error). Only
 * these, and errors a subnet's `isRetryable` accepts, are retried.
 */
export class TransientSubnetError extends SubnetError {
  static readonly code = 'MT_SUBNETS_TRANSIENT';
  static override readonly isInstance = isMtErrorWithCode<TransientSubnetError>(
    TransientSubnetError.code,
  );

  constructor(message: string, options?: MtErrorOptions) {
    super(TransientSubnetError.code, message, options);
  }
}

/** A model folder or Hub id could not be loaded; the message says where it looked and why. */
export class ModelLoadError extends SubnetError {
  static readonly code = 'MT_SUBNETS_MODEL_LOAD_FAILED';
  static override readonly isInstance = isMtErrorWithCode<ModelLoadError>(ModelLoadError.code);

  readonly model: string;

  constructor(model: string, problem: string, options?: MtErrorOptions) {
    super(ModelLoadError.code, `Cannot load model ${model}: ${problem}`, options);
    this.model = model;
  }
}

/** A task or option is invalid for this subnet; `argument` names it. Never retried. */
export class InvalidSubnetInputError extends family.InvalidInput {}
