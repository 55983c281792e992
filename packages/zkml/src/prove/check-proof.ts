import { describeCause, type Proof, parseProof } from '@mt/protocol';
import { z } from 'zod';
import type { CircuitDescription } from '../circuit/circuit-description.js';
import { nonCanonicalField, proofElements } from './proof-codec.js';

/**
 * Why a proof was rejected, as a stable code for metrics and dashboards (the
 * `reason` beside it is for people and may carry details).
 */
export type RejectionCode =
  | 'malformed'
  | 'non_canonical'
  | 'wrong_system'
  | 'wrong_key'
  | 'wrong_model'
  | 'wrong_input'
  | 'outputs_mismatch'
  | 'pairing_failed';

/** What a verification found. */
export type Verdict =
  | { valid: true; outputs: number[]; predicted: number }
  | { valid: false; code: RejectionCode; reason: string };

/** What the verifier expects the proof to be about, beyond the key. */
export interface VerificationExpectations {
  /** The input the task gave (float units): the proof's input hash must be this input's. */
  input?: readonly number[];
}

/** A snarkjs verification key: its proof system, curve and number of public signals, and its points. */
export interface VerificationKey {
  protocol: 'groth16' | 'plonk';
  curve: 'bn128';
  nPublic: number;
  [field: string]: unknown;
}

/**
 * What a verification key must say before snarkjs reads it: its proof
 * system, curve and number of public signals (snarkjs checks the points).
 */
export const verificationKeySchema = z.looseObject({
  protocol: z.enum(['groth16', 'plonk']),
  curve: z.literal('bn128'),
  nPublic: z.int().min(1),
}) satisfies z.ZodType<VerificationKey, unknown>;

/** What a proof is checked against: the circuit's public description and its verification key. */
export interface ProofTarget {
  circuit: CircuitDescription;
  verificationKey: VerificationKey;
  /** SHA-256 (hex) of the verification key file, which every proof names. */
  verificationKeyHash: string;
}

/** The pairing check itself, by whichever snarkjs the platform has: true when the proof verifies. */
export type PairingCheck = (proof: Proof, verificationKey: VerificationKey) => Promise<boolean>;

function refuse(code: RejectionCode, reason: string): Verdict {
  return { valid: false, code, reason };
}

/**
 * Checks an inference proof in full: its form, key, model commitment, input,
 * outputs and, last, the pairing. The one place these checks live, so the
 * Node verifier and the browser's give the same verdict with the same code.
 * It fails closed: anything malformed or unexpected (the pairing throwing
 * included) is a rejection with its reason, never an exception and never a
 * pass.
 */
export async function checkInferenceProof(
  raw: unknown,
  target: ProofTarget,
  expected: VerificationExpectations,
  pairing: PairingCheck,
): Promise<Verdict> {
  try {
    const proof: Proof = parseProof(raw);
    const { circuit, verificationKey } = target;
    if (proof.system !== verificationKey.protocol) {
      return refuse(
        'wrong_system',
        `a ${proof.system} proof for a ${verificationKey.protocol} key`,
      );
    }
    // The shape of the proof for its system, checked here so that snarkjs
    // never sees (and never throws on) a proof of another system's form.
    proofElements(proof);
    const field = nonCanonicalField(proof);
    if (field) {
      return refuse(
        'non_canonical',
        `${field} is not canonical (at or above its field modulus); an EVM verifier would reject it`,
      );
    }
    if (proof.verificationKeyHash !== target.verificationKeyHash) {
      return refuse('wrong_key', 'made for another verification key');
    }
    const decoded = circuit.decode(proof.publicSignals);
    if (decoded.modelHash !== circuit.metadata.modelHash) {
      return refuse('wrong_model', 'bound to another model commitment');
    }
    if (expected.input && decoded.inputHash !== circuit.inputHash(expected.input)) {
      return refuse('wrong_input', 'proves an inference on another input');
    }
    if (proof.outputs && JSON.stringify(proof.outputs) !== JSON.stringify(decoded.outputs)) {
      return refuse('outputs_mismatch', 'its outputs are not the ones its public signals prove');
    }
    if (!(await pairing(proof, verificationKey)))
      return refuse('pairing_failed', 'the proof does not verify');
    return { valid: true, outputs: decoded.outputs, predicted: decoded.predicted };
  } catch (error) {
    return refuse('malformed', describeCause(error));
  }
}
