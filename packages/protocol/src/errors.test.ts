import { describe, expect, it } from 'vitest';
import {
  describeCause,
  JsonParseError,
  MtError,
  SchemaValidationError,
  TaskValidationError,
} from './errors.js';

describe('MtError', () => {
  it('carries a stable code, its class name and the cause', () => {
    const cause = new Error('disk full');
    const error = new MtError('MT_EXAMPLE', 'could not save', { cause });
    expect(error.code).toBe('MT_EXAMPLE');
    expect(error.name).toBe('MtError');
    expect(error.cause).toBe(cause);
    expect(new TaskValidationError('t1', 'no prompt').name).toBe('TaskValidationError');
  });

  it('is recognised across duplicate installs of the package', async () => {
    // A query string makes the module loader evaluate errors.ts a second time,
    // exactly as a second installed copy of @mt/protocol would be.
    const duplicateInstall: string = './errors.js?duplicate-install';
    const copy = (await import(duplicateInstall)) as typeof import('./errors.js');
    expect(copy.SchemaValidationError).not.toBe(SchemaValidationError);
    const foreign = new copy.SchemaValidationError('Task', [{ path: 'taskId', message: 'bad' }]);
    expect(foreign instanceof SchemaValidationError).toBe(false);
    expect(SchemaValidationError.isInstance(foreign)).toBe(true);
    expect(MtError.isInstance(foreign)).toBe(true);
    expect(JsonParseError.isInstance(foreign)).toBe(false);
  });

  it('does not mistake look-alike objects for its errors', () => {
    expect(MtError.isInstance(new Error('plain'))).toBe(false);
    expect(MtError.isInstance({ code: 'MT_SCHEMA_INVALID', message: 'x' })).toBe(false);
    expect(MtError.isInstance(null)).toBe(false);
    expect(SchemaValidationError.isInstance('MT_SCHEMA_INVALID')).toBe(false);
  });

  it('lists every schema issue with its field in the message', () => {
    const error = new SchemaValidationError('Score', [
      { path: 'value', message: 'must be at most 1' },
      { path: '', message: 'expected object' },
    ]);
    expect(error.message).toBe('Invalid Score: value: must be at most 1; (value): expected object');
  });
});

describe('describeCause', () => {
  it('keeps what any thrown value said', () => {
    expect(describeCause(new Error('boom'))).toBe('boom');
    expect(describeCause('text')).toBe('text');
    expect(describeCause({ status: 500 })).toBe('{"status":500}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeCause(cyclic)).toBe('[object Object]');
    expect(describeCause(undefined)).toBe('undefined');
  });
});
