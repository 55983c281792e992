import { optionChecks } from '@mt/protocol';
import { InvalidScoringInputError } from './errors.js';

/** This package's option checks (`@mt/protocol`'s `optionChecks`), failing with {@link InvalidScoringInputError}. */
export const check = optionChecks((field, problem) => new InvalidScoringInputError(field, problem));
