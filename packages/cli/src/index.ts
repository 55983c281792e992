/**
 * `@mt/cli`: the command-line plumbing every `mt-*` program shares, so they
 * behave alike: `defineCli` (commander with `--version`, per-command `--help`,
 * unknown options refused, one error format, the same exit codes),
 * `printResult` (`--json` or a readable table), argument parsers, and
 * `EXIT_CODES`.
 *
 * @packageDocumentation
 */

/** commander's own classes, for options with choices or defaults: `new Option('--mode <m>').choices([...])`. */
export { Command, Option } from 'commander';
export { type CliIo, processIo } from './cli-io.js';
export {
  type CliContext,
  type CliRunner,
  defineCli,
  jsonOption,
  type ProgramInfo,
} from './define-cli.js';
export { EXIT_CODES, type ExitCode } from './exit-codes.js';
export { formatTable } from './format-table.js';
export { amount, finite, integer, subnetNumber } from './option-parsers.js';
export { type PrintOptions, printResult } from './print-result.js';
export { type RunBinOptions, runBin } from './run-bin.js';
export { type CapturedRun, runCaptured } from './run-captured.js';
export { loggingOptions, settingsSources } from './settings-sources.js';
export {
  COLDKEY_PASSPHRASE_ENV,
  coldkeyPassphrase,
  type WalletOptionValues,
  walletOptions,
} from './wallet-options.js';
