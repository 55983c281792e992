import { optionChecks } from '@mt/protocol';
import { InvalidZkmlInputError } from './errors.js';

/** This package's option checks (`@mt/protocol`'s `optionChecks`), failing with {@link InvalidZkmlInputError}. */
export const check = optionChecks((field, problem) => new InvalidZkmlInputError(field, problem));
