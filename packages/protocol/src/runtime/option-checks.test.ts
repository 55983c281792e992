import { describe, expect, it } from 'vitest';
import { MtError } from '../errors.js';
import { optionChecks } from './option-checks.js';

class BadOption extends MtError {
  constructor(option: string, problem: string) {
    super('MT_TEST_OPTION', `${option} ${problem}`);
  }
}
const check = optionChecks((option, problem) => new BadOption(option, problem));

describe('optionChecks', () => {
  it('returns acceptable values', () => {
    expect(check.integer('n', 3)).toBe(3);
    expect(check.integer('n', 0, 0, 10)).toBe(0);
    expect(check.nonNegative('ms', 0)).toBe(0);
    expect(check.positive('rate', 0.5)).toBe(0.5);
  });

  it.each([
    [() => check.integer('n', 0), 'n must be an integer ≥ 1, got 0'],
    [() => check.integer('n', 1.5), 'n must be an integer ≥ 1, got 1.5'],
    [() => check.integer('n', 11, 0, 10), 'n must be an integer in [0, 10], got 11'],
    [() => check.nonNegative('ms', Number.NaN), 'ms must be a finite number ≥ 0, got NaN'],
    [() => check.positive('rate', 0), 'rate must be a finite number > 0, got 0'],
    [
      () => check.positive('rate', Number.POSITIVE_INFINITY),
      'rate must be a finite number > 0, got Infinity',
    ],
  ])('throws the package’s error, naming the option (%#)', (call, message) => {
    expect(call).toThrow(BadOption);
    expect(call).toThrow(message);
  });
});
