import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/models` starts with. */
export const MODELS_ERROR_PREFIX = 'MT_MODELS_';

const family = errorFamily(MODELS_ERROR_PREFIX);

/**
 * Base class of every error `@mt/models` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_MODELS_` prefix of its code; each concrete error adds its own code.
 */
export class ModelError extends family.Error {}

/** A model, version, alias, experiment or run that does not exist was asked for. */
export class ModelNotFoundError extends ModelError {
  static readonly code = 'MT_MODELS_NOT_FOUND';
  static override readonly isInstance = isMtErrorWithCode<ModelNotFoundError>(
    ModelNotFoundError.code,
  );

  constructor(what: string, hint: string) {
    super(ModelNotFoundError.code, `${what} does not exist; ${hint}`);
  }
}

/** An argument was malformed (a version that is not semver, an empty name, ...); `argument` names it. */
export class InvalidModelInputError extends family.InvalidInput {}

/** Files of a stored artifact no longer match the checksum recorded when they were imported. */
export class ArtifactTamperedError extends ModelError {
  static readonly code = 'MT_MODELS_ARTIFACT_TAMPERED';
  static override readonly isInstance = isMtErrorWithCode<ArtifactTamperedError>(
    ArtifactTamperedError.code,
  );

  constructor(what: string, expected: string, actual: string) {
    super(
      ArtifactTamperedError.code,
      `${what} was modified after import: expected content hash ${expected}, found ${actual}. Re-import it from a trusted copy.`,
    );
  }
}

/** A path points outside the store (`..`, an absolute path, or a symbolic link). */
export class PathEscapeError extends ModelError {
  static readonly code = 'MT_MODELS_PATH_ESCAPE';
  static override readonly isInstance = isMtErrorWithCode<PathEscapeError>(PathEscapeError.code);

  constructor(path: string, problem: string) {
    super(
      PathEscapeError.code,
      `The path '${path}' ${problem}; only plain files inside the store are allowed.`,
    );
  }
}

/** The store's database file cannot be read as a model store. */
export class StoreCorruptError extends ModelError {
  static readonly code = 'MT_MODELS_STORE_CORRUPT';
  static override readonly isInstance = isMtErrorWithCode<StoreCorruptError>(
    StoreCorruptError.code,
  );

  constructor(path: string, options?: MtErrorOptions) {
    super(
      StoreCorruptError.code,
      `The model store database ${path} is corrupt or not a model store. Restore it from a backup, or move it away to start an empty store.`,
      options,
    );
  }
}

/** The store was written by a newer `@mt/models`, whose schema this one does not know. */
export class StoreTooNewError extends ModelError {
  static readonly code = 'MT_MODELS_STORE_TOO_NEW';
  static override readonly isInstance = isMtErrorWithCode<StoreTooNewError>(StoreTooNewError.code);

  constructor(path: string, schema: number, known: number) {
    super(
      StoreTooNewError.code,
      `The model store ${path} was written by a newer @mt/models (schema ${schema}; this one knows ${known}). Upgrade @mt/models to open it.`,
    );
  }
}

/** A delete was refused because something still refers to the thing being deleted. */
export class ModelInUseError extends ModelError {
  static readonly code = 'MT_MODELS_IN_USE';
  static override readonly isInstance = isMtErrorWithCode<ModelInUseError>(ModelInUseError.code);

  constructor(message: string) {
    super(ModelInUseError.code, message);
  }
}

/** No loader is registered for a framework, or its runtime is not installed. */
export class LoaderUnavailableError extends ModelError {
  static readonly code = 'MT_MODELS_LOADER_UNAVAILABLE';
  static override readonly isInstance = isMtErrorWithCode<LoaderUnavailableError>(
    LoaderUnavailableError.code,
  );

  constructor(message: string, options?: MtErrorOptions) {
    super(LoaderUnavailableError.code, message, options);
  }
}
