import { describe, expect, it } from 'vitest';
import { SchemaValidationError } from '../errors.js';
import { CliUsageError, cliErrorMessage } from './cli-error-message.js';

describe('cliErrorMessage', () => {
  it('adds the usage to bad usage, the code to our errors, and the message to anything else', () => {
    expect(cliErrorMessage('mt-x', new CliUsageError('missing --out'), 'Usage: mt-x')).toBe(
      'mt-x: missing --out\n\nUsage: mt-x',
    );
    const ours = new SchemaValidationError('Task', [{ path: 'taskId', message: 'required' }]);
    expect(cliErrorMessage('mt-x', ours, 'U')).toMatch(/^mt-x: .* \[MT_SCHEMA_INVALID\]\n$/);
    expect(cliErrorMessage('mt-x', new Error('disk full'), 'U')).toBe('mt-x: disk full\n');
  });
});
