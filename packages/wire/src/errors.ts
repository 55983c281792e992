import { isMtErrorWithCode, MtError } from '@mt/protocol';

// The wire's own errors: what a signed envelope or an address can be refused
// for. They live here, with the wire, since only the wire throws them.

/** Why a signed envelope was refused, with the HTTP status a server answers it with. */
export const envelopeRejections = {
  MT_WIRE_UNSUPPORTED_VERSION: 400,
  MT_WIRE_MALFORMED_HEADER: 400,
  MT_WIRE_WEAK_KEY: 400,
  MT_WIRE_SIGNATURE_MISSING: 401,
  MT_WIRE_SIGNATURE_INVALID: 401,
  MT_WIRE_BODY_TAMPERED: 401,
  MT_WIRE_TIMESTAMP_OUT_OF_WINDOW: 401,
  MT_WIRE_NONCE_REPLAYED: 409,
  MT_WIRE_WRONG_RECEIVER: 421,
  MT_WIRE_REPLAY_CACHE_FULL: 503,
} as const;

/** One of the {@link envelopeRejections} codes. */
export type EnvelopeRejectionCode = keyof typeof envelopeRejections;

/**
 * A signed request or response failed verification: a missing or invalid
 * signature, a body that does not match its signed hash, another receiver, a
 * timestamp outside the window, a replayed nonce, or an unknown protocol
 * version. `code` says which; `httpStatus` is the status a server answers with.
 */
export class EnvelopeRejectedError extends MtError {
  /** Whether `error` is one, by its code (any of {@link envelopeRejections}), across copies of this package. */
  static override readonly isInstance = (error: unknown): error is EnvelopeRejectedError =>
    MtError.isInstance(error) && error.code in envelopeRejections;

  declare readonly code: EnvelopeRejectionCode;
  readonly httpStatus: number;

  constructor(code: EnvelopeRejectionCode, message: string) {
    super(code, message);
    this.httpStatus = envelopeRejections[code];
  }
}

/** A string is not a ModernTensor address (wrong prefix, encoding or checksum). */
export class InvalidAddressError extends MtError {
  static readonly code = 'MT_INVALID_ADDRESS';
  static override readonly isInstance = isMtErrorWithCode<InvalidAddressError>(
    InvalidAddressError.code,
  );

  /** `weak_key` when the address decodes but names a key that must not be trusted. */
  readonly reason: 'malformed' | 'weak_key';

  constructor(address: string, problem: string, reason: 'malformed' | 'weak_key' = 'malformed') {
    super(
      InvalidAddressError.code,
      reason === 'weak_key'
        ? `'${address}' names a key that cannot be trusted: ${problem}`
        : `'${address}' is not a ModernTensor address: ${problem}`,
    );
    this.reason = reason;
  }
}
