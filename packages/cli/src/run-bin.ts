import { describeCause, MtError } from '@mt/protocol';
import { processIo } from './cli-io.js';
import type { CliRunner } from './define-cli.js';
import { EXIT_CODES } from './exit-codes.js';

/** Options of {@link runBin}. */
export interface RunBinOptions {
  /**
   * How long a program may take to stop after SIGINT or SIGTERM before the
   * process exits anyway, in ms. Default 5 s: a stop is never held by a
   * peer, a chain node or a model that does not listen to its signal.
   */
  graceMs?: number;
}

/**
 * Runs an `mt-*` program as the process: SIGINT or SIGTERM fires its
 * `signal`; if it has not ended `graceMs` later, or a second signal comes,
 * the process exits with 1. Anything that still escapes (an exception
 * thrown in a library's socket callback, a rejection nobody awaited) is
 * one line on stderr and exit 1, not a stack trace in the middle of the
 * program's JSON logs.
 *
 * @example
 * ```ts
 * #!/usr/bin/env node
 * await runBin('mt-validator', runValidatorCli);
 * ```
 */
export async function runBin(
  name: string,
  runner: CliRunner,
  options: RunBinOptions = {},
): Promise<void> {
  const graceMs = options.graceMs ?? 5_000;
  const stop = new AbortController();
  const escaped = (kind: string) => (error: unknown) => {
    process.stderr.write(`${name}: ${kind}: ${describeCause(error)}\n`);
    process.exit(EXIT_CODES.failed);
  };
  process.on('uncaughtException', escaped('uncaught exception'));
  process.on('unhandledRejection', escaped('unhandled rejection'));
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) {
      process.stderr.write(`${name}: ${signal} again; exiting now\n`);
      process.exit(EXIT_CODES.failed);
    }
    stop.abort(new MtError('MT_CLI_STOPPED', `${signal} received`));
    setTimeout(() => {
      process.stderr.write(`${name}: still running ${graceMs} ms after ${signal}; exiting\n`);
      process.exit(EXIT_CODES.failed);
    }, graceMs).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.exitCode = await runner(process.argv.slice(2), processIo, stop.signal);
}
