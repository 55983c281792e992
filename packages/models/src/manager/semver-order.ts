import semver from 'semver';
import { InvalidModelInputError } from '../errors.js';

/** Returns `version` if it is valid semver (e.g. `1.2.0`, `2.0.0-rc.1`), else throws naming the field. */
export function requireSemver(version: string, field = 'version'): string {
  if (semver.valid(version) !== version) {
    throw new InvalidModelInputError(
      field,
      `'${version}' is not a semantic version such as 1.0.0 or 2.1.0-rc.1`,
    );
  }
  return version;
}

/** Versions sorted highest first, by semver precedence (so 1.10.0 > 1.9.0 and 2.0.0 > 2.0.0-rc.1). */
export function highestFirst(versions: readonly string[]): string[] {
  return [...versions].sort(semver.rcompare);
}

/** True when `text` is a semantic version. */
export function isSemver(text: string): boolean {
  return semver.valid(text) === text;
}
