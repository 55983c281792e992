import type { z } from 'zod';
import { JsonParseError } from '../errors.js';
import { parseWith } from './parse-with.js';

/** Limits of {@link parseJson}. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects accepted. Default 64. */
  maxDepth?: number;
}

/** The nesting depth {@link parseJson} accepts unless told otherwise. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of arrays and objects in `text`, found in one pass that
 * skips strings, and never deeper than `limit + 1` (it stops there). Linear in
 * the text and constant in stack, so a hostile body cannot cost more to check
 * than to receive.
 */
function nestingBeyond(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth -= 1;
  }
  return false;
}

/**
 * Parses JSON from a peer, a file or a store: refuses nesting deeper than
 * `maxDepth` before parsing (deep nesting costs recursion in every later walk
 * of the value, and overflows the stack past a few thousand levels), parses
 * once, and checks the value against `schema` (`SchemaValidationError`). Bad
 * JSON or nesting gives a {@link JsonParseError}. The schema is not optional:
 * a value is never used on a cast's word.
 *
 * @example
 * ```ts
 * const task = parseJson(body, taskSchema, { typeName: 'Task' });
 * ```
 */
export function parseJson<S extends z.ZodType>(
  text: string | Uint8Array,
  schema: S,
  options: JsonLimits & { typeName?: string } = {},
): z.output<S> {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  // TextDecoder rather than Buffer: this module also runs in the browser.
  const source = typeof text === 'string' ? text : new TextDecoder().decode(text);
  if (nestingBeyond(source, maxDepth)) {
    throw new JsonParseError('MT_JSON_TOO_DEEP', `it nests deeper than ${maxDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new JsonParseError('MT_JSON_MALFORMED', (error as Error).message, { cause: error });
  }
  return parseWith(options.typeName ?? 'value', schema, value);
}
