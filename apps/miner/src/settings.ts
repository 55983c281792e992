import { readFile } from 'node:fs/promises';

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
    const parsed = JSON.parse(await readFile(options.configFile, 'utf8')) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new Error(`${options.configFile} must hold a JSON object`);
    }
    config = parsed as Record<string, unknown>;
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
