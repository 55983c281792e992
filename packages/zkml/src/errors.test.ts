import { MtError, SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { ZkmlError } from './errors.js';

describe('ZkmlError', () => {
  it('is a ModernTensor error recognised by its package prefix', () => {
    const error = new ZkmlError('MT_ZKML_EXAMPLE', 'example failure', { cause: 'root' });
    expect(MtError.isInstance(error)).toBe(true);
    expect(ZkmlError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MT_ZKML_EXAMPLE');
    expect(error.name).toBe('ZkmlError');
    expect(error.cause).toBe('root');
  });

  it("does not claim other packages' errors", () => {
    expect(ZkmlError.isInstance(new SchemaValidationError('Task', []))).toBe(false);
    expect(ZkmlError.isInstance(new Error('plain'))).toBe(false);
  });
});
