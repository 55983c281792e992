import type { z } from 'zod';
import { type SchemaIssue, SchemaValidationError } from '../errors.js';

/**
 * Runs `schema` on `input` and returns the parsed value, or throws a
 * {@link SchemaValidationError} that names every bad field by its path.
 */
export function parseWith<S extends z.ZodType>(
  typeName: string,
  schema: S,
  input: unknown,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues: SchemaIssue[] = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new SchemaValidationError(typeName, issues, { cause: parsed.error });
}
