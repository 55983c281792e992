import { createHash, randomBytes } from 'node:crypto';
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
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
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
  const nonce = randomBytes(16).toString('hex');
  const timestamp = input.now ?? Date.now();
  const bodyHash = hashBody(input.body);
  const signature = input.key.sign(
    canonicalMessage({
      kind: input.kind,
      target: input.target,
      sender: input.key.address,
      receiver: input.receiver,
      nonce,
      timestamp,
      bodyHash,
      requestNonce: input.requestNonce ?? '',
    }),
  );
  return {
    [envelopeHeaders.version]: WIRE_VERSION,
    [envelopeHeaders.sender]: input.key.address,
    [envelopeHeaders.receiver]: input.receiver,
    [envelopeHeaders.nonce]: nonce,
    [envelopeHeaders.timestamp]: String(timestamp),
    [envelopeHeaders.bodyHash]: bodyHash,
    [envelopeHeaders.signature]: Buffer.from(signature).toString('base64'),
  };
}
