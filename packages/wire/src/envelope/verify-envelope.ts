import { verify as cryptoVerify } from 'node:crypto';
import { EnvelopeRejectedError, InvalidAddressError } from '../errors.js';
import { type TrustedKey, verifyingKeyOf } from '../keys/hotkey.js';
import { canonicalMessage, type EnvelopeKind, envelopeHeaders, WIRE_VERSION } from './headers.js';
import { hashBody } from './sign-envelope.js';

/** What {@link verifyEnvelope} checks an envelope against. */
export interface VerifyEnvelopeInput {
  /** Header lookup, case-insensitive as HTTP headers are. */
  header: (name: string) => string | undefined | null;
  body: Uint8Array;
  kind: EnvelopeKind;
  target: string;
  /** Our own address: the envelope must be addressed to it. */
  receiver: string;
  /** When known (a response from the miner we asked), the address that must have signed. */
  sender?: string;
  /** For a response: the nonce of our request. */
  requestNonce?: string;
  /** Accepted clock difference either way, in ms. */
  windowMs: number;
  now?: number;
}

/** Who signed an accepted envelope, its nonce, and (for a request) its deadline. */
export interface VerifiedEnvelope {
  sender: string;
  nonce: string;
  timestamp: number;
  /** Requests only: when the sender stops waiting, ms since the epoch. */
  deadline?: number;
}

const reject = (
  code: ConstructorParameters<typeof EnvelopeRejectedError>[0],
  message: string,
): never => {
  throw new EnvelopeRejectedError(code, message);
};

const MILLIS = /^\d{1,16}$/;

/**
 * Verifies a signed envelope and returns its sender, or throws
 * {@link EnvelopeRejectedError}. Checks, in order: a signature present at
 * all, the protocol version, a well-formed sender whose key can be trusted,
 * the receiver, the timestamp window, a request's deadline, the hash of the
 * whole body and the signature over every field.
 *
 * It does not remember nonces: the miner server does that (with its
 * `ReplayGuard`) only after the blacklist and the rate limit have let the
 * sender through, so refused senders cannot fill that memory.
 */
export function verifyEnvelope(input: VerifyEnvelopeInput): VerifiedEnvelope {
  const checked = checkEnvelope(input);
  if (!cryptoVerify(null, checked.message, checked.key.keyObject, checked.signature)) {
    throw checked.badSignature();
  }
  return checked.envelope;
}

/**
 * An envelope that passed every check but the signature's, with what that
 * last check needs, so it can be run elsewhere (a `SignerPool` thread).
 */
export interface CheckedEnvelope {
  envelope: VerifiedEnvelope;
  key: TrustedKey;
  message: Buffer;
  signature: Buffer;
  /** The error to throw when the signature does not verify. */
  badSignature(): EnvelopeRejectedError;
}

/** Runs every check of {@link verifyEnvelope} except the signature itself, which it prepares. */
export function checkEnvelope(input: VerifyEnvelopeInput): CheckedEnvelope {
  const signatureText = input.header(envelopeHeaders.signature);
  if (signatureText == null || signatureText.trim() === '') {
    reject(
      'MT_WIRE_SIGNATURE_MISSING',
      `no ${envelopeHeaders.signature}; every message must be signed`,
    );
  }
  const version = input.header(envelopeHeaders.version);
  if (version !== WIRE_VERSION) {
    reject(
      'MT_WIRE_UNSUPPORTED_VERSION',
      version == null
        ? `no ${envelopeHeaders.version} header; this peer speaks version ${WIRE_VERSION}`
        : `version '${version}' is not supported; this peer speaks version ${WIRE_VERSION}`,
    );
  }
  const sender = input.header(envelopeHeaders.sender) ?? '';
  if (input.sender !== undefined && sender !== input.sender) {
    reject('MT_WIRE_SIGNATURE_INVALID', `signed by ${sender}, but ${input.sender} was expected`);
  }
  let key: TrustedKey | undefined;
  try {
    key = verifyingKeyOf(sender);
  } catch (error) {
    if (!InvalidAddressError.isInstance(error)) throw error;
    reject(
      error.reason === 'weak_key' ? 'MT_WIRE_WEAK_KEY' : 'MT_WIRE_MALFORMED_HEADER',
      `${envelopeHeaders.sender}: ${error.message}`,
    );
  }
  const receiver = input.header(envelopeHeaders.receiver);
  if (receiver !== input.receiver) {
    reject(
      'MT_WIRE_WRONG_RECEIVER',
      `addressed to ${receiver ?? 'nobody'}, not to this peer (${input.receiver})`,
    );
  }
  const timestampText = input.header(envelopeHeaders.timestamp) ?? '';
  if (!MILLIS.test(timestampText))
    reject(
      'MT_WIRE_MALFORMED_HEADER',
      `${envelopeHeaders.timestamp} must be milliseconds since the epoch`,
    );
  const timestamp = Number(timestampText);
  const now = input.now ?? Date.now();
  if (Math.abs(now - timestamp) > input.windowMs) {
    reject(
      'MT_WIRE_TIMESTAMP_OUT_OF_WINDOW',
      `timestamp ${timestamp} is ${now - timestamp} ms from this peer's clock; the window is ±${input.windowMs} ms (check the clocks)`,
    );
  }
  let deadline: number | undefined;
  if (input.kind === 'request') {
    const deadlineText = input.header(envelopeHeaders.deadline) ?? '';
    if (!MILLIS.test(deadlineText))
      reject(
        'MT_WIRE_MALFORMED_HEADER',
        `${envelopeHeaders.deadline} must be milliseconds since the epoch (when the sender stops waiting)`,
      );
    deadline = Number(deadlineText);
  }
  const nonce = input.header(envelopeHeaders.nonce) ?? '';
  if (!/^[0-9a-f]{32}$/.test(nonce))
    reject('MT_WIRE_MALFORMED_HEADER', `${envelopeHeaders.nonce} must be 32 hex digits`);
  const bodyHash = hashBody(input.body);
  if (input.header(envelopeHeaders.bodyHash) !== bodyHash) {
    reject('MT_WIRE_BODY_TAMPERED', 'the body does not match its signed hash');
  }
  const signature = Buffer.from(signatureText ?? '', 'base64');
  const message = canonicalMessage({
    kind: input.kind,
    target: input.target,
    sender,
    receiver: input.receiver,
    nonce,
    timestamp,
    bodyHash,
    requestNonce: input.requestNonce ?? '',
    ...(deadline === undefined ? {} : { deadline }),
  });
  const badSignature = () =>
    new EnvelopeRejectedError(
      'MT_WIRE_SIGNATURE_INVALID',
      `the signature is not ${sender}'s over this ${input.kind}`,
    );
  if (signature.length !== 64 || !key) throw badSignature();
  return {
    envelope: { sender, nonce, timestamp, ...(deadline === undefined ? {} : { deadline }) },
    key,
    message,
    signature,
    badSignature,
  };
}
