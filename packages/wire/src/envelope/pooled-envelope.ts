import type { SignerPool } from '../keys/signer-pool.js';
import { envelopeHeaders } from './headers.js';
import { prepareEnvelope, type SignEnvelopeInput, signEnvelope } from './sign-envelope.js';
import {
  checkEnvelope,
  type VerifiedEnvelope,
  type VerifyEnvelopeInput,
  verifyEnvelope,
} from './verify-envelope.js';

/**
 * Signs an envelope on `signer`'s threads (libsodium, off the event loop),
 * or inline with `node:crypto` when there is none. The one place both the
 * miner handler and the validator client choose where the signature is made.
 */
export async function signEnvelopeOn(
  signer: SignerPool | undefined,
  input: SignEnvelopeInput,
): Promise<Record<string, string>> {
  if (!signer) return signEnvelope(input);
  const { headers, message } = prepareEnvelope(input);
  const signature = await signer.sign(input.key, message);
  headers[envelopeHeaders.signature] = Buffer.from(signature).toString('base64');
  return headers;
}

/**
 * Verifies an envelope, its signature on `signer`'s threads when there is
 * one: every other check runs here first, so a pool sees only signatures
 * worth checking.
 *
 * @throws EnvelopeRejectedError as {@link verifyEnvelope} does.
 */
export async function verifyEnvelopeOn(
  signer: SignerPool | undefined,
  input: VerifyEnvelopeInput,
): Promise<VerifiedEnvelope> {
  if (!signer) return verifyEnvelope(input);
  const checked = checkEnvelope(input);
  if (!(await signer.verify(checked.key.publicKey, checked.message, checked.signature)))
    throw checked.badSignature();
  return checked.envelope;
}
