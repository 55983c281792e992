import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJson } from '../schemas/parse-json.js';

/**
 * The `version` of the package.json at `url`, for `--version`,
 * `mt_build_info` and start-up lines:
 * `packageVersion(new URL('../package.json', import.meta.url))`. Read once at
 * start-up, so it is synchronous; a file without a string `version` throws
 * (`SchemaValidationError`),
 * since a build that cannot say what it is is broken.
 */
export function packageVersion(url: URL): string {
  return parseJson(readFileSync(url, 'utf8'), z.looseObject({ version: z.string() }), {
    typeName: url.pathname,
  }).version;
}
