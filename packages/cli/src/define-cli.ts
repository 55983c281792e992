import { CliUsageError, describeCause, MtError } from '@mt/protocol';
import { Command } from 'commander';
import type { CliIo } from './cli-io.js';
import { EXIT_CODES, type ExitCode } from './exit-codes.js';

/** What a program says about itself. */
export interface ProgramInfo {
  /** e.g. `mt-zkml`. */
  name: string;
  /**
   * The program's version, or a function that reads it: the function runs
   * only when the program runs, so importing a package that exports a CLI
   * reads no file.
   */
  version: string | (() => string);
  description: string;
}

/** What a program's commands get: where to write, and a way to exit 1 without an error. */
export interface CliContext {
  readonly io: CliIo;
  /** Fires when the program is asked to stop (SIGINT/SIGTERM in the bin); long-running commands end cleanly. */
  readonly signal: AbortSignal;
  /** Ends the run with exit code 1 once the command returns (a check that did not pass). */
  fail(): void;
}

/**
 * Runs a program with its arguments (without the node and script paths) and
 * returns its exit code; `signal` asks a long-running command to stop.
 */
export type CliRunner = (
  args: readonly string[],
  io: CliIo,
  signal?: AbortSignal,
) => Promise<ExitCode>;

/**
 * Defines an `mt-*` program on commander, configured the one way every
 * program behaves:
 * - `-V, --version` and `-h, --help` on the program, `--help` on every command;
 * - unknown options, options of another command and extra arguments refused;
 * - every error on stderr as `name: message [CODE]`, usage problems followed by
 *   a pointer to `--help`; help itself on stdout;
 * - the exit codes of {@link EXIT_CODES}.
 *
 * `build` adds the commands; give each a `--json` with {@link jsonOption}.
 *
 * @example
 * ```ts
 * export const runYumaCli = defineCli({ name: 'mt-yuma', version, description }, (program, cli) => {
 *   jsonOption(program.command('replay').argument('<file>')).action(async (file, options) => { ... });
 * });
 * ```
 */
export function defineCli(
  info: ProgramInfo,
  build: (program: Command, cli: CliContext) => void,
): CliRunner {
  return async (args, io, signal = new AbortController().signal) => {
    let failed = false;
    const program = new Command(info.name)
      .description(info.description)
      .version(
        typeof info.version === 'string' ? info.version : info.version(),
        '-V, --version',
        'print the version',
      )
      .helpOption('-h, --help', 'print this help')
      .helpCommand(false)
      // Options after a command name belong to that command, so `--version`
      // can be a command's own option (mt-models import --version 1.0.0).
      .enablePositionalOptions()
      .exitOverride()
      .configureOutput({
        writeOut: (text) => io.stdout(text),
        writeErr: (text) => io.stderr(text),
        outputError: (text, write) => write(`${info.name}: ${text.replace(/^error: /, '')}`),
      });
    program.addHelpText(
      'after',
      '\nExit codes: 0 done, 1 the command failed or was refused, 2 bad usage.\n',
    );
    build(program, { io, signal, fail: () => (failed = true) });
    // A program of commands points at their help too; a single command does not.
    const hint =
      program.commands.length > 0
        ? `(run '${info.name} --help', or '${info.name} COMMAND --help')`
        : `(run '${info.name} --help')`;
    // Commands copy their settings when created, so each one is told.
    const everyCommand = (command: Command): Command[] => [
      command,
      ...command.commands.flatMap(everyCommand),
    ];
    for (const command of everyCommand(program)) {
      command.showHelpAfterError(hint);
      // Help prints defaults with JSON.stringify, which throws on a bigint (an amount of rao).
      for (const option of command.options)
        if (typeof option.defaultValue === 'bigint' && option.defaultValueDescription === undefined)
          option.defaultValueDescription = String(option.defaultValue);
    }
    try {
      await program.parseAsync([...args], { from: 'user' });
      return failed ? EXIT_CODES.failed : EXIT_CODES.ok;
    } catch (error) {
      const commander = commanderExit(error);
      if (commander !== undefined) return commander;
      if (CliUsageError.isInstance(error)) {
        io.stderr(`${info.name}: ${error.message}\n${hint}\n`);
        return EXIT_CODES.usage;
      }
      io.stderr(`${info.name}: ${errorText(error)}\n`);
      return EXIT_CODES.failed;
    }
  };
}

/** An error as one line: its message, and its stable code when it has one. */
function errorText(error: unknown): string {
  return MtError.isInstance(error) ? `${error.message} [${error.code}]` : describeCause(error);
}

/** Adds `--json` (machine output instead of the readable table) to a command. */
export function jsonOption(command: Command): Command {
  return command.option('--json', 'print JSON instead of a readable table');
}

// Commander reports help, the version and usage errors by throwing (under
// exitOverride); it has already written what it had to say.
function commanderExit(error: unknown): ExitCode | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('commander.')) return undefined;
  return (error as { exitCode?: number }).exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
}
