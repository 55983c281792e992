import { z } from 'zod';

/** A value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object, the shape of every free-form payload on the wire. */
export type JsonObject = { [key: string]: JsonValue };

interface NonJsonIssue {
  path: PropertyKey[];
  message: string;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Walks `value` and lists every part that would not come back unchanged from a
 * JSON round trip, each with its exact path.
 */
function findNonJson(
  value: unknown,
  path: PropertyKey[],
  ancestors: Set<object>,
  issues: NonJsonIssue[],
): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        issues.push({ path, message: 'must be a finite number (NaN and Infinity are not JSON)' });
      }
      return;
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value)) {
        issues.push({ path, message: 'is a circular reference, which JSON cannot hold' });
        return;
      }
      if (!Array.isArray(value) && !isPlainObject(value)) {
        const kind = value.constructor?.name ?? 'object';
        issues.push({ path, message: `must be a plain object or array, not a ${kind}` });
        return;
      }
      ancestors.add(value);
      for (const [key, item] of Object.entries(value)) {
        findNonJson(item, [...path, Array.isArray(value) ? Number(key) : key], ancestors, issues);
      }
      ancestors.delete(value);
      return;
    }
    default:
      issues.push({ path, message: `must be JSON data, not a ${typeof value}` });
  }
}

/**
 * Schema of a JSON value: one that `JSON.stringify` then `JSON.parse` gives
 * back unchanged. `NaN`, `Infinity`, `undefined`, functions, class instances
 * (a `Date`, a `Map`) and cycles are refused with the path to the culprit,
 * because they would be lost or altered on the wire.
 */
export const jsonValueSchema: z.ZodType<JsonValue> = z
  .custom<JsonValue>()
  .superRefine((value, ctx) => {
    const issues: NonJsonIssue[] = [];
    findNonJson(value, [], new Set(), issues);
    for (const issue of issues)
      ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });

/** Schema of a JSON object (free-form task data, result data, metadata). */
export const jsonObjectSchema: z.ZodType<JsonObject> = z.record(z.string(), jsonValueSchema);
