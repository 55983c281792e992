import { optionChecks } from '@mt/protocol';
import { InvalidSubnetInputError } from './errors.js';

/** This package's option checks (`@mt/protocol`'s `optionChecks`), failing with {@link InvalidSubnetInputError}. */
export const check = optionChecks((field, problem) => new InvalidSubnetInputError(field, problem));
