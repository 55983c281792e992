import { describe, expect, it } from 'vitest';
import {
  describeCause,
  errorFamily,
  InvalidArgumentError,
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

describe('errorFamily', () => {
  const scoring = errorFamily('MT_SCORING_');
  class ScoringError extends scoring.Error {}
  class InvalidScoringInputError extends scoring.InvalidInput {}
  const chain = errorFamily('MT_CHAIN_', { invalidInput: 'REJECTED' });
  class ChainRejectedError extends chain.InvalidInput {}

  it("makes a package's invalid input an InvalidArgumentError with the package's code", () => {
    const cause = new TypeError('NaN');
    const error = new InvalidScoringInputError('stake[3]', 'is NaN', { cause });
    expect(error.code).toBe('MT_SCORING_INVALID_INPUT');
    expect(error.message).toBe('Invalid stake[3]: is NaN');
    expect(error.argument).toBe('stake[3]');
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('InvalidScoringInputError');
    expect(InvalidScoringInputError.code).toBe('MT_SCORING_INVALID_INPUT');
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(InvalidScoringInputError.isInstance(error)).toBe(true);
    expect(ScoringError.isInstance(error)).toBe(true);
    // Another package's bad input is bad input, but not this package's.
    const rejected = new ChainRejectedError('url', 'must be http(s)');
    expect(rejected.code).toBe('MT_CHAIN_REJECTED');
    expect(InvalidArgumentError.isInstance(rejected)).toBe(true);
    expect(InvalidScoringInputError.isInstance(rejected)).toBe(false);
    expect(ScoringError.isInstance(rejected)).toBe(false);
  });

  it("recognises the family's other errors by prefix, and a plain InvalidArgumentError as no family's", () => {
    class ConsensusError extends ScoringError {
      constructor() {
        super('MT_SCORING_INSUFFICIENT_CONSENSUS', 'too few validators');
      }
    }
    const error = new ConsensusError();
    expect(ScoringError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(false);
    const plain = new InvalidArgumentError('seed', 'must be 32 bytes');
    expect(plain.code).toBe('MT_INVALID_ARGUMENT');
    expect(InvalidArgumentError.isInstance(plain)).toBe(true);
    expect(ScoringError.isInstance(plain)).toBe(false);
    // A look-alike without the marker (a plain object with the code) is not one.
    expect(
      InvalidArgumentError.isInstance({ code: 'MT_INVALID_ARGUMENT', message: 'x', argument: 'x' }),
    ).toBe(false);
  });
});
