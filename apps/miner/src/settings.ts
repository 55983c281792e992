import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { MtLogger } from '@mt/protocol';
import { jsonObjectSchema, parseJson } from '@mt/protocol';
import { Hotkey, loadHotkey, saveHotkey } from '@mt/protocol/wire';
import { createLogger, resolveLogLevel } from '@mt/telemetry';

/**
 * A program's settings from, in order of precedence, its flags, its
 * environment (`PREFIX_NAME`, e.g. `MT_MINER_TEXT_MODEL`) and a JSON config
 * file (camelCase keys, e.g. `textModel`). Unset settings are undefined.
 */
export async function resolveSettings(
  names: readonly string[],
  flags: Record<string, string | boolean | undefined>,
  options: { envPrefix: string; configFile?: string | undefined; env?: NodeJS.ProcessEnv },
): Promise<Record<string, string | undefined>> {
  const env = options.env ?? process.env;
  let config: Record<string, unknown> = {};
  if (options.configFile) {
    // A config file is outside input: bounded, parsed once, an object or a typed error.
    config = parseJson(await readFile(options.configFile, 'utf8'), jsonObjectSchema);
  }
  const settings: Record<string, string | undefined> = {};
  for (const name of names) {
    const flag = flags[name];
    const fromEnv = env[`${options.envPrefix}${name.toUpperCase().replace(/-/g, '_')}`];
    const fromFile = config[name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
    const value = flag ?? fromEnv ?? (fromFile === undefined ? undefined : String(fromFile));
    settings[name] = value === undefined ? undefined : String(value);
  }
  return settings;
}

/** Options every program takes, beside its own: logging and `--config`. */
const COMMON_NAMES = ['log-level', 'quiet'] as const;

/** Usage lines for {@link COMMON_NAMES}, to append to a program's usage. */
export const LOGGING_USAGE = `  --log-level LEVEL      trace, debug, info (default), warn, error, fatal or silent
  --quiet                problems only (the same as --log-level warn)
`;

/**
 * Parses a program's flags (each of `names` as `--name VALUE`, plus
 * `--log-level LEVEL`, `--quiet`, `--config FILE` and `--help`) and resolves
 * its settings with {@link resolveSettings}; `quiet` is `'true'` when set.
 * Returns undefined after printing `usage` for `--help`.
 */
export async function programSettings(
  names: readonly string[],
  envPrefix: string,
  usage: string,
): Promise<Record<string, string | undefined> | undefined> {
  const options: Record<string, { type: 'string' } | { type: 'boolean'; short?: string }> =
    Object.fromEntries(
      [...names, 'log-level', 'config'].map((n) => [n, { type: 'string' as const }]),
    );
  options.help = { type: 'boolean', short: 'h' };
  options.quiet = { type: 'boolean' };
  const { values } = parseArgs({ options }) as {
    values: Record<string, string | boolean | undefined>;
  };
  if (values.help) {
    process.stdout.write(usage);
    return undefined;
  }
  return resolveSettings([...names, ...COMMON_NAMES], values, {
    envPrefix,
    configFile: typeof values.config === 'string' ? values.config : undefined,
  });
}

/** The hotkey in `file`, or a new one saved there (0600) when the file does not exist yet. */
export async function loadOrCreateHotkey(file: string): Promise<Hotkey> {
  if (existsSync(file)) return loadHotkey(file);
  const hotkey = Hotkey.generate();
  await mkdir(dirname(file), { recursive: true });
  await saveHotkey(hotkey, file);
  return hotkey;
}

/** The program's pino logger at the level its `--log-level` / `--quiet` settings ask for. */
export function programLogger(
  name: string,
  settings: Record<string, string | undefined>,
): MtLogger {
  return createLogger({
    name,
    level: resolveLogLevel({ level: settings['log-level'], quiet: settings.quiet === 'true' }),
  });
}
