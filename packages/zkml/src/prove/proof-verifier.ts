import { readFile } from 'node:fs/promises';
import { describeCause, type Proof, parseJson, parseProof } from '@mt/protocol';
import { z } from 'zod';
import { Circuit, circuitFiles } from '../circuit/circuit.js';
import { CircuitArtifactMissingError } from '../errors.js';
import { verificationKeyHash } from '../setup/trusted-setup.js';
import { nonCanonicalField, proofElements } from './proof-codec.js';
import { ProofPool } from './proof-pool.js';

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

/**
 * What a verification key must say before snarkjs reads it: its proof
 * system, curve and number of public signals (snarkjs checks the points).
 */
const verificationKeySchema = z.looseObject({
  protocol: z.enum(['groth16', 'plonk']),
  curve: z.literal('bn128'),
  nPublic: z.int().min(1),
});

/**
 * Checks inference proofs against a circuit's verification key and model
 * commitment. It fails closed: anything malformed, mismatched or unexpected
 * is a rejection with its reason, never an exception and never a pass.
 *
 * @example
 * ```ts
 * const verifier = await ProofVerifier.load('build/digits');
 * const verdict = await verifier.check(proof, { input: pixels });
 * if (verdict.valid) console.log(verdict.predicted);
 * ```
 */
export class ProofVerifier {
  readonly #pool: ProofPool;

  private constructor(
    readonly circuit: Circuit,
    readonly verificationKey: Record<string, unknown>,
    readonly verificationKeyHash: string,
    maxThreads: number,
  ) {
    this.#pool = new ProofPool({ maxThreads });
  }

  /**
   * Opens the public part of a circuit folder: `circuit.json` and
   * `verification_key.json` (the proving key is not needed).
   *
   * @throws CircuitArtifactMissingError
   */
  static async load(dir: string, options: { maxThreads?: number } = {}): Promise<ProofVerifier> {
    const circuit = await Circuit.load(dir);
    const path = circuit.file(circuitFiles.verificationKey);
    let text: string;
    let key: Record<string, unknown>;
    try {
      text = await readFile(path, 'utf8');
      key = parseJson(text, verificationKeySchema, { typeName: 'verification key' });
    } catch (error) {
      throw new CircuitArtifactMissingError(
        path,
        'run the trusted setup first (mt-zkml setup DIR)',
        { cause: error },
      );
    }
    return new ProofVerifier(circuit, key, verificationKeyHash(text), options.maxThreads ?? 1);
  }

  /** Whether `proof` is valid; see {@link check} for the reason when it is not. */
  async verify(proof: unknown, expected: VerificationExpectations = {}): Promise<boolean> {
    return (await this.check(proof, expected)).valid;
  }

  /** Checks `proof` in full: its form, key, model commitment, input, outputs and the pairing check itself. */
  async check(proof: unknown, expected: VerificationExpectations = {}): Promise<Verdict> {
    try {
      return await this.#check(proof, expected);
    } catch (error) {
      return {
        valid: false,
        code: 'malformed',
        reason: describeCause(error),
      };
    }
  }

  async #check(raw: unknown, expected: VerificationExpectations): Promise<Verdict> {
    const proof: Proof = parseProof(raw);
    if (proof.system !== this.verificationKey.protocol) {
      return {
        valid: false,
        code: 'wrong_system',
        reason: `a ${proof.system} proof for a ${String(this.verificationKey.protocol)} key`,
      };
    }
    // The shape of the proof for its system, checked here so that snarkjs
    // never sees (and never throws on) a proof of another system's form.
    proofElements(proof);
    const field = nonCanonicalField(proof);
    if (field) {
      return {
        valid: false,
        code: 'non_canonical',
        reason: `${field} is not canonical (at or above its field modulus); an EVM verifier would reject it`,
      };
    }
    if (proof.verificationKeyHash !== this.verificationKeyHash) {
      return { valid: false, code: 'wrong_key', reason: 'made for another verification key' };
    }
    const decoded = this.circuit.decode(proof.publicSignals);
    if (decoded.modelHash !== this.circuit.metadata.modelHash) {
      return { valid: false, code: 'wrong_model', reason: 'bound to another model commitment' };
    }
    if (expected.input && decoded.inputHash !== this.circuit.inputHash(expected.input)) {
      return { valid: false, code: 'wrong_input', reason: 'proves an inference on another input' };
    }
    if (proof.outputs && JSON.stringify(proof.outputs) !== JSON.stringify(decoded.outputs)) {
      return {
        valid: false,
        code: 'outputs_mismatch',
        reason: 'its outputs are not the ones its public signals prove',
      };
    }
    const result = await this.#pool.run({
      kind: 'verify',
      system: proof.system,
      verificationKey: this.verificationKey,
      publicSignals: proof.publicSignals,
      proof: proof.proof,
    });
    if (!('valid' in result) || !result.valid)
      return { valid: false, code: 'pairing_failed', reason: 'the proof does not verify' };
    return { valid: true, outputs: decoded.outputs, predicted: decoded.predicted };
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
