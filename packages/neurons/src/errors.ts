import { isMtErrorWithCode, MtError, type MtErrorOptions } from '@mt/protocol';

/**
 * A validator's loop stopped on its own: too many rounds or weight updates
 * in a row failed (a chain that refuses everything, a subnet that cannot
 * score). One failure is logged and counted; this many is not a passing fault.
 */
export class ValidatorHaltedError extends MtError {
  static readonly code = 'MT_NEURONS_VALIDATOR_HALTED';
  static override readonly isInstance = isMtErrorWithCode<ValidatorHaltedError>(
    ValidatorHaltedError.code,
  );

  /** How many steps failed in a row. */
  readonly failures: number;

  constructor(netuid: number, failures: number, options?: MtErrorOptions) {
    super(
      ValidatorHaltedError.code,
      `The validator of subnet ${netuid} stopped after ${failures} failures in a row; the last: ${
        options?.cause instanceof Error ? options.cause.message : String(options?.cause)
      }. Check the chain node and the logs, then start it again.`,
      options,
    );
    this.failures = failures;
  }
}
