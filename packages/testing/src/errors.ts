import { MtError } from '@mt/protocol';

/** A fixture was asked for something it cannot make (bad sizes, empty data). */
export class FixtureError extends MtError {
  static readonly code = 'MT_TESTING_FIXTURE';
  static override readonly isInstance = (error: unknown): error is FixtureError =>
    MtError.isInstance(error) && error.code === FixtureError.code;

  constructor(message: string) {
    super(FixtureError.code, message);
  }
}
