import { z } from 'zod';
import { parseWith } from './parse-with.js';

/** The proof systems a {@link Proof} can carry. */
export const proofSystems = ['groth16', 'plonk'] as const;
/** One of {@link proofSystems}. */
export type ProofSystem = (typeof proofSystems)[number];

const fieldElement = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, 'must be a field element written as a decimal integer string');
const hexDigest = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be a 32-byte digest written as 64 lower-case hex digits');

/** Schema of {@link Proof}. */
export const proofSchema = z.object({
  system: z.enum(proofSystems),
  /** The proof object exactly as snarkjs writes it (`proof.json`). */
  proof: z.record(z.string(), z.unknown()),
  /** Public signals as snarkjs writes them (`public.json`). */
  publicSignals: z.array(fieldElement),
  /** SHA-256 of the verification key the proof is for, so a verifier can pick the right key. */
  verificationKeyHash: hexDigest,
  /** The model outputs the proof attests to, decoded to float units, for convenience only: the public signals are what is proven. */
  outputs: z.array(z.number().refine(Number.isFinite, 'must be a finite number')).optional(),
  /** Creation time, milliseconds since the Unix epoch. */
  createdAt: z.number().int().nonnegative(),
});

/**
 * A zero-knowledge proof in transit: the snarkjs proof and public signals, and
 * the hash of the verification key that checks them. The envelope is only a
 * container; `@mt/zkml` does the verification.
 */
export type Proof = z.output<typeof proofSchema>;

/** Checks `input` and returns a {@link Proof}, or throws `SchemaValidationError`. */
export function parseProof(input: unknown): Proof {
  return parseWith('Proof', proofSchema, input);
}
