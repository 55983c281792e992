import { isMtErrorWithCode, MtError } from '@mt/protocol';

/**
 * A synapse field that does not hold what its Python type declares (or a
 * body that is not JSON), found while reading it as pydantic would: the
 * message names the field path and the type.
 */
export class SynapseFieldError extends MtError {
  static readonly code = 'MT_WIRE_SYNAPSE_FIELD';
  static override readonly isInstance = isMtErrorWithCode<SynapseFieldError>(
    SynapseFieldError.code,
  );

  /** The field's path, e.g. `xs[2]` or `meta.k`; `(body)` for the JSON itself. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(SynapseFieldError.code, `Synapse field ${path}: ${problem}`);
    this.path = path;
  }
}
