import { MtError } from '../errors.js';

/** Bad usage of a command-line program: its message is printed with the usage text. */
export class CliUsageError extends Error {}

/**
 * What a command-line program prints when `error` stops it: bad usage (a
 * {@link CliUsageError}, or `node:util`'s `parseArgs` refusing a flag) with the
 * usage text; a ModernTensor error with its stable code; anything else by its
 * message.
 */
export function cliErrorMessage(program: string, error: unknown, usage: string): string {
  if (error instanceof CliUsageError || (error instanceof TypeError && 'code' in error)) {
    return `${program}: ${error.message}\n\n${usage}`;
  }
  if (MtError.isInstance(error)) return `${program}: ${error.message} [${error.code}]\n`;
  return `${program}: ${error instanceof Error ? error.message : String(error)}\n`;
}
