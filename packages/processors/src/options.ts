import { optionChecks } from '@mt/protocol';
import { InvalidProcessorOptionError } from './errors.js';

/** This package's option checks (`@mt/protocol`'s `optionChecks`), failing with {@link InvalidProcessorOptionError}. */
export const check = optionChecks(
  (option, problem) => new InvalidProcessorOptionError(option, problem),
);
