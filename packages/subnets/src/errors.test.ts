import { MtError, SchemaValidationError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { SubnetError } from './errors.js';

describe('SubnetError', () => {
  it('is a ModernTensor error recognised by its package prefix', () => {
    const error = new SubnetError('MT_SUBNETS_EXAMPLE', 'example failure', { cause: 'root' });
    expect(MtError.isInstance(error)).toBe(true);
    expect(SubnetError.isInstance(error)).toBe(true);
    expect(error.code).toBe('MT_SUBNETS_EXAMPLE');
    expect(error.name).toBe('SubnetError');
    expect(error.cause).toBe('root');
  });

  it("does not claim other packages' errors", () => {
    expect(SubnetError.isInstance(new SchemaValidationError('Task', []))).toBe(false);
    expect(SubnetError.isInstance(new Error('plain'))).toBe(false);
  });
});
