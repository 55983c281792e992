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

/** A string that is not the SS58 address of a 32-byte key (bad base58, length or checksum). */
export class Ss58AddressError extends MtError {
  static readonly code = 'MT_WIRE_SS58_ADDRESS';
  static override readonly isInstance = isMtErrorWithCode<Ss58AddressError>(Ss58AddressError.code);

  constructor(address: string, problem: string) {
    super(Ss58AddressError.code, `'${address.slice(0, 64)}' is not an SS58 address: ${problem}`);
  }
}
