import { createHash } from 'node:crypto';
import type { JsonValue } from '@mt/protocol';

function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A digest of everything that determines an answer: the subnet's name and
 * version and the task's payload in canonical JSON (key order never matters).
 * Task id, miner and times are deliberately not part of it: they are stamped
 * onto every answer, cached or not.
 */
export function taskIdentity(
  subnet: { name: string; version: string },
  taskData: JsonValue,
): string {
  return createHash('sha256')
    .update(canonical({ subnet: subnet.name, version: subnet.version, taskData }))
    .digest('hex');
}
