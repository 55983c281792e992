import { readFileSync } from 'node:fs';
import { parseJson } from '@mt/protocol';
import { TelemetryError } from '../errors.js';

/**
 * The `version` of the package.json at `url`, for `mt_build_info` and
 * start-up lines: `packageVersion(new URL('../package.json', import.meta.url))`.
 * Read once at start-up, so it is synchronous; a file without a string
 * `version` throws, since a build that cannot say what it is is broken.
 */
export function packageVersion(url: URL): string {
  const parsed = parseJson(readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string')
    throw new TelemetryError('MT_TELEMETRY_NO_VERSION', `${url.pathname} has no version`);
  return parsed.version;
}
