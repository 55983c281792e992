import { MtError, SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { ScoringError } from './errors.js';

describe('ScoringError', () => {
  it('is a ModernTensor error recognised by its package prefix', () => {
    const error = new ScoringError('MT_SCORING_EXAMPLE', 'example failure', { cause: 'root' });
    expect(MtError.isInstance(error)).toBe(true);
    expect(ScoringError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MT_SCORING_EXAMPLE');
    expect(error.name).toBe('ScoringError');
    expect(error.cause).toBe('root');
  });

  it("does not claim other packages' errors", () => {
    expect(ScoringError.isInstance(new SchemaValidationError('Task', []))).toBe(false);
    expect(ScoringError.isInstance(new Error('plain'))).toBe(false);
  });
});
