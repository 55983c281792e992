import { MtError, SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { ProcessorError } from './errors.js';

describe('ProcessorError', () => {
  it('is a ModernTensor error recognised by its package prefix', () => {
    const error = new ProcessorError('MT_PROCESSORS_EXAMPLE', 'example failure', { cause: 'root' });
    expect(MtError.isInstance(error)).toBe(true);
    expect(ProcessorError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MT_PROCESSORS_EXAMPLE');
    expect(error.name).toBe('ProcessorError');
    expect(error.cause).toBe('root');
  });

  it("does not claim other packages' errors", () => {
    expect(ProcessorError.isInstance(new SchemaValidationError('Task', []))).toBe(false);
    expect(ProcessorError.isInstance(new Error('plain'))).toBe(false);
  });
});
