import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JsonParseError, SchemaValidationError } from '../errors.js';
import { parseJson } from './parse-json.js';

const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('parseJson', () => {
  it('parses text or bytes, checked against the schema', () => {
    expect(parseJson('{"a":[1,{"b":null}]}', z.unknown())).toEqual({ a: [1, { b: null }] });
    expect(parseJson(Buffer.from('[1]'), z.array(z.number()))).toEqual([1]);
  });

  it('accepts nesting up to the limit and refuses one level more, before parsing', () => {
    expect(() => parseJson(deep(64), z.unknown())).not.toThrow();
    expect(() => parseJson(deep(65), z.unknown())).toThrow(
      expect.objectContaining({ code: 'MT_JSON_TOO_DEEP' }),
    );
    expect(() => parseJson(deep(3), z.unknown(), { maxDepth: 2 })).toThrow(JsonParseError);
  });

  it('refuses 1,000,000 levels in linear time, with no stack overflow', () => {
    const started = performance.now();
    expect(() => parseJson(deep(1_000_000), z.unknown())).toThrow(
      expect.objectContaining({ code: 'MT_JSON_TOO_DEEP' }),
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `${'['.repeat(500)}\\"${'{'.repeat(500)}` });
    expect(parseJson(text, z.unknown())).toEqual({ s: `${'['.repeat(500)}\\"${'{'.repeat(500)}` });
  });

  it('gives typed errors: MT_JSON_MALFORMED, and the schema’s own', () => {
    expect(() => parseJson('{"a":', z.unknown())).toThrow(
      expect.objectContaining({ code: 'MT_JSON_MALFORMED' }),
    );
    expect(() => parseJson('{"a":1}', z.object({ a: z.string() }), { typeName: 'Thing' })).toThrow(
      SchemaValidationError,
    );
    const error = (() => {
      try {
        parseJson('nope', z.unknown());
      } catch (e) {
        return e;
      }
    })();
    expect(JsonParseError.isInstance(error)).toBe(true);
  });
});
