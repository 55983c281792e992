import { readFile, stat } from 'node:fs/promises';
import { CliUsageError, describeCause, jsonObjectSchema, parseJson } from '@mt/protocol';
import { type Command, Option } from 'commander';

/**
 * Lets every option of `command` also come from the environment
 * (`PREFIX_NAME`, e.g. `MT_MINER_TEXT_MODEL` for `--text-model`; a boolean
 * is `true` or `1`) and from a JSON file given with `--config FILE`
 * (camelCase keys, e.g. `textModel`).
 * Flags win over the environment, which wins over the file. Values from the
 * environment and the file go through the option's own parser and choices,
 * so they are checked exactly as flags are; an unknown key in the file is
 * refused. Call it after the options are defined.
 *
 * @example
 * ```ts
 * settingsSources(program.option('--port <n>', 'port', integer({ min: 0 })), { envPrefix: 'MT_MINER_' });
 * ```
 */
export function settingsSources(command: Command, source: { envPrefix: string }): Command {
  const envName = (option: Option) =>
    `${source.envPrefix}${(option.long ?? '').slice(2).toUpperCase().replace(/-/g, '_')}`;
  // Commander checks required options before any hook runs, so a value that
  // comes from the environment or the file would not count: the check is
  // made here instead, after both are applied.
  const required = command.options.filter((option) => option.mandatory);
  for (const option of required) option.mandatory = false;
  command.option('--config <file>', 'a JSON file of settings (camelCase keys)');
  command.addHelpText(
    'after',
    `\nEvery option can also come from the environment (${source.envPrefix}NAME, e.g. ${source.envPrefix}LOG_LEVEL) or the --config file (camelCase keys); flags win over the environment over the file.\n`,
  );
  command.hook('preAction', async (thisCommand) => {
    const options = thisCommand.options.filter(
      (option) =>
        option.long !== undefined && option.long !== '--help' && option.long !== '--version',
    );
    for (const option of options) {
      const text = process.env[envName(option)];
      const key = option.attributeName();
      if (text === undefined || thisCommand.getOptionValueSource(key) === 'cli') continue;
      const value = option.isBoolean() ? envBoolean(text, envName(option)) : text;
      thisCommand.setOptionValueWithSource(key, parsed(option, key, value, envName(option)), 'env');
    }
    const file = thisCommand.opts<{ config?: string }>().config;
    if (file !== undefined) await applyFile(thisCommand, file, options);
    for (const option of required) {
      if (thisCommand.getOptionValue(option.attributeName()) === undefined) {
        throw new CliUsageError(
          `required option '${option.flags}' not specified (nor ${envName(option)}, nor '${option.attributeName()}' in --config)`,
        );
      }
    }
  });
  return command;
}

async function applyFile(
  thisCommand: Command,
  file: string,
  options: readonly Option[],
): Promise<void> {
  // A settings file is outside input: its size is bounded before it is read.
  const { size } = await stat(file).catch((error: unknown) => {
    throw new CliUsageError(`${file} cannot be read: ${describeCause(error)}`);
  });
  if (size > MAX_SETTINGS_BYTES)
    throw new CliUsageError(
      `${file} is ${size} bytes; a settings file is at most ${MAX_SETTINGS_BYTES}`,
    );
  let settings: Record<string, unknown>;
  try {
    settings = parseJson(await readFile(file, 'utf8'), jsonObjectSchema);
  } catch (error) {
    throw new CliUsageError(`${file} must hold a JSON object of settings: ${describeCause(error)}`);
  }
  const byKey = new Map(options.map((option) => [option.attributeName(), option]));
  for (const [key, value] of Object.entries(settings)) {
    const option = byKey.get(key);
    if (!option || key === 'config') throw new CliUsageError(`${file}: unknown setting '${key}'`);
    const from = thisCommand.getOptionValueSource(key);
    if (from === 'cli' || from === 'env') continue;
    thisCommand.setOptionValueWithSource(key, parsed(option, key, value, file), 'config');
  }
}

/** The largest settings file read, in bytes: settings are a few hundred. */
const MAX_SETTINGS_BYTES = 64 * 1024;

// A flag's value from the environment: `true`/`1` or `false`/`0`, nothing else.
function envBoolean(text: string, name: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new CliUsageError(`${name} must be true, false, 1 or 0, not '${text}'`);
}

// A value from the environment or a file, checked as the flag's would be;
// `from` names where it came from for the error.
function parsed(option: Option, key: string, value: unknown, from: string): unknown {
  if (option.isBoolean()) {
    if (typeof value !== 'boolean')
      throw new CliUsageError(`${from}: '${key}' must be true or false`);
    return value;
  }
  const text = String(value);
  if (option.argChoices && !option.argChoices.includes(text))
    throw new CliUsageError(`${from}: '${key}' must be one of ${option.argChoices.join(', ')}`);
  try {
    return option.parseArg ? option.parseArg(text, undefined) : text;
  } catch (error) {
    throw new CliUsageError(`${from}: '${key}' ${describeCause(error)}`);
  }
}

/** `--log-level LEVEL` and `--quiet` (the same as `--log-level warn`), for long-running programs. */
export function loggingOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--log-level <level>', 'the lowest level logged (default info)').choices([
        'trace',
        'debug',
        'info',
        'warn',
        'error',
        'fatal',
        'silent',
      ]),
    )
    .option('--quiet', 'problems only (the same as --log-level warn)');
}
