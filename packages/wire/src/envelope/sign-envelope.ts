import { createHash, randomFillSync } from 'node:crypto';
import { InvalidArgumentError } from '@mt/protocol';
import type { Hotkey } from '../keys/hotkey.js';
import { canonicalMessage, type EnvelopeKind, envelopeHeaders, WIRE_VERSION } from './headers.js';

/** What {@link signEnvelope} needs. */
export interface SignEnvelopeInput {
  key: Hotkey;
  kind: EnvelopeKind;
  target: string;
  receiver: string;
  body: Uint8Array;
  /** For a response: the request's nonce. */
  requestNonce?: string;
  /** For a request: when the sender stops waiting, in ms since the epoch (required for requests). */
  deadline?: number;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
}

// Nonces are cut from a pool of random bytes refilled 256 at a time: one call
// to the CSPRNG per 256 envelopes instead of one each (it showed in profiles).
const NONCE_BYTES = 16;
const pool = Buffer.alloc(NONCE_BYTES * 256);
let poolOffset = pool.length;

function freshNonce(): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const nonce = pool.toString('hex', poolOffset, poolOffset + NONCE_BYTES);
  poolOffset += NONCE_BYTES;
  return nonce;
}

/** SHA-256 of the whole body, lower-case hex. */
export function hashBody(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Signs a request or response: returns the envelope headers, with a fresh
 * 128-bit nonce, the current time and the hash of the entire body.
 */
export function signEnvelope(input: SignEnvelopeInput): Record<string, string> {
  const { headers, message } = prepareEnvelope(input);
  headers[envelopeHeaders.signature] = Buffer.from(input.key.sign(message)).toString('base64');
  return headers;
}

/**
 * The envelope headers of {@link signEnvelope} but the signature, and the
 * message to sign: for signing elsewhere (a `SignerPool` thread), then
 * setting `headers[envelopeHeaders.signature]` to the base64 signature.
 */
export function prepareEnvelope(input: SignEnvelopeInput): {
  headers: Record<string, string>;
  message: Buffer;
} {
  if (input.kind === 'request' && input.deadline === undefined) {
    throw new InvalidArgumentError('deadline', 'a signed request needs one (ms since the epoch)');
  }
  const nonce = freshNonce();
  const timestamp = input.now ?? Date.now();
  const bodyHash = hashBody(input.body);
  const message = canonicalMessage({
    kind: input.kind,
    target: input.target,
    sender: input.key.address,
    receiver: input.receiver,
    nonce,
    timestamp,
    bodyHash,
    requestNonce: input.requestNonce ?? '',
    ...(input.deadline === undefined ? {} : { deadline: input.deadline }),
  });
  const headers: Record<string, string> = {
    [envelopeHeaders.version]: WIRE_VERSION,
    [envelopeHeaders.sender]: input.key.address,
    [envelopeHeaders.receiver]: input.receiver,
    [envelopeHeaders.nonce]: nonce,
    [envelopeHeaders.timestamp]: String(timestamp),
    [envelopeHeaders.bodyHash]: bodyHash,
  };
  if (input.deadline !== undefined) headers[envelopeHeaders.deadline] = String(input.deadline);
  return { headers, message };
}
