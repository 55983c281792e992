import { EnvelopeRejectedError } from '../../errors.js';
import { publicKeyFromAddress } from '../keys/address.js';
import { verifySignature } from '../keys/hotkey.js';
import { canonicalMessage, type EnvelopeKind, envelopeHeaders, WIRE_VERSION } from './headers.js';
import type { ReplayGuard } from './replay-guard.js';
import { hashBody } from './sign-envelope.js';

/** What {@link verifyEnvelope} checks an envelope against. */
export interface VerifyEnvelopeInput {
  /** Header lookup, case-insensitive as HTTP headers are. */
  header: (name: string) => string | undefined;
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
  /** Remembers nonces; omit only where the signature binds to a single-use nonce (responses). */
  replayGuard?: ReplayGuard;
  now?: number;
}

/** Who signed an accepted envelope, and its nonce. */
export interface VerifiedEnvelope {
  sender: string;
  nonce: string;
  timestamp: number;
}

const reject = (
  code: ConstructorParameters<typeof EnvelopeRejectedError>[0],
  message: string,
): never => {
  throw new EnvelopeRejectedError(code, message);
};

/**
 * Verifies a signed envelope and returns its sender, or throws
 * {@link EnvelopeRejectedError}. Checks, in order: a signature present at
 * all, the protocol version, a well-formed sender, the receiver, the timestamp
 * window, the hash of the whole body, the signature over every field, and
 * last (so unauthenticated traffic cannot fill it) the nonce's first use.
 */
export function verifyEnvelope(input: VerifyEnvelopeInput): VerifiedEnvelope {
  const signatureText = input.header(envelopeHeaders.signature);
  if (signatureText === undefined || signatureText.trim() === '') {
    reject(
      'MT_WIRE_SIGNATURE_MISSING',
      `no ${envelopeHeaders.signature}; every message must be signed`,
    );
  }
  const version = input.header(envelopeHeaders.version);
  if (version !== WIRE_VERSION) {
    reject(
      'MT_WIRE_UNSUPPORTED_VERSION',
      version === undefined
        ? `no ${envelopeHeaders.version} header; this peer speaks version ${WIRE_VERSION}`
        : `version '${version}' is not supported; this peer speaks version ${WIRE_VERSION}`,
    );
  }
  const sender = input.header(envelopeHeaders.sender) ?? '';
  try {
    publicKeyFromAddress(sender);
  } catch (error) {
    reject('MT_WIRE_MALFORMED_HEADER', `${envelopeHeaders.sender}: ${(error as Error).message}`);
  }
  if (input.sender !== undefined && sender !== input.sender) {
    reject('MT_WIRE_SIGNATURE_INVALID', `signed by ${sender}, but ${input.sender} was expected`);
  }
  const receiver = input.header(envelopeHeaders.receiver);
  if (receiver !== input.receiver) {
    reject(
      'MT_WIRE_WRONG_RECEIVER',
      `addressed to ${receiver ?? 'nobody'}, not to this peer (${input.receiver})`,
    );
  }
  const timestampText = input.header(envelopeHeaders.timestamp) ?? '';
  const timestamp = /^\d{1,16}$/.test(timestampText) ? Number(timestampText) : Number.NaN;
  if (Number.isNaN(timestamp))
    reject(
      'MT_WIRE_MALFORMED_HEADER',
      `${envelopeHeaders.timestamp} must be milliseconds since the epoch`,
    );
  const now = input.now ?? Date.now();
  if (Math.abs(now - timestamp) > input.windowMs) {
    reject(
      'MT_WIRE_TIMESTAMP_OUT_OF_WINDOW',
      `timestamp ${timestamp} is ${now - timestamp} ms from this peer's clock; the window is ±${input.windowMs} ms (check the clocks)`,
    );
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
  });
  if (!verifySignature(sender, message, signature)) {
    reject('MT_WIRE_SIGNATURE_INVALID', `the signature is not ${sender}'s over this ${input.kind}`);
  }
  input.replayGuard?.remember(sender, nonce);
  return { sender, nonce, timestamp };
}
