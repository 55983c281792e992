import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { parseJson } from '../schemas/parse-json.js';

/**
 * The `version` of the package.json at `url`, for `--version`,
 * `mt_build_info` and start-up lines:
 * `packageVersion(new URL('../package.json', import.meta.url))`. Read once at
 * start-up, so it is synchronous; a file without a string `version` throws,
 * since a build that cannot say what it is is broken.
 */
export function packageVersion(url: URL): string {
  const parsed = parseJson(readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string')
    throw new InvalidArgumentError('url', `${url.pathname} has no version`);
  return parsed.version;
}
