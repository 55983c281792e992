import {
  isMtErrorWithCode,
  isMtErrorWithCodePrefix,
  MtError,
  type MtErrorOptions,
} from '@mt/protocol';

/** The prefix every error code of the local chain starts with. */
export const CHAIN_ERROR_PREFIX = 'MT_CHAIN_';

/** Base class of every error the chain throws on purpose. */
export class ChainError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<ChainError>(CHAIN_ERROR_PREFIX);

  constructor(code: `MT_CHAIN_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}

/** The chain refused a call (unknown subnet or hotkey, bad weights, a reveal that does not match); nothing changed. */
export class ChainRejectedError extends ChainError {
  static readonly code = 'MT_CHAIN_REJECTED';
  static override readonly isInstance = isMtErrorWithCode<ChainRejectedError>(
    ChainRejectedError.code,
  );

  readonly field: string;

  constructor(field: string, problem: string) {
    super(ChainRejectedError.code, `Chain rejected ${field}: ${problem}`);
    this.field = field;
  }
}
