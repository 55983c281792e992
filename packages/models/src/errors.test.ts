import { MtError, SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { ModelError } from './errors.js';

describe('ModelError', () => {
  it('is a ModernTensor error recognised by its package prefix', () => {
    const error = new ModelError('MT_MODELS_EXAMPLE', 'example failure', { cause: 'root' });
    expect(MtError.isInstance(error)).toBe(true);
    expect(ModelError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MT_MODELS_EXAMPLE');
    expect(error.name).toBe('ModelError');
    expect(error.cause).toBe('root');
  });

  it("does not claim other packages' errors", () => {
    expect(ModelError.isInstance(new SchemaValidationError('Task', []))).toBe(false);
    expect(ModelError.isInstance(new Error('plain'))).toBe(false);
  });
});
