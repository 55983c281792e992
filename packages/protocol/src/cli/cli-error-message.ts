import { describeCause, isMtErrorWithCode, MtError } from '../errors.js';

/** Bad usage of a command-line program: its message is printed with the usage text. */
export class CliUsageError extends MtError {
  static readonly code = 'MT_CLI_USAGE';
  static override readonly isInstance = isMtErrorWithCode<CliUsageError>(CliUsageError.code);

  constructor(message: string) {
    super(CliUsageError.code, message);
  }
}

/**
 * What a command-line program prints when `error` stops it: bad usage (a
 * {@link CliUsageError}, or `node:util`'s `parseArgs` refusing a flag) with the
 * usage text; a ModernTensor error with its stable code; anything else by its
 * message.
 */
export function cliErrorMessage(program: string, error: unknown, usage: string): string {
  if (CliUsageError.isInstance(error) || (error instanceof TypeError && 'code' in error)) {
    return `${program}: ${(error as Error).message}\n\n${usage}`;
  }
  if (MtError.isInstance(error)) return `${program}: ${error.message} [${error.code}]\n`;
  return `${program}: ${describeCause(error)}\n`;
}
