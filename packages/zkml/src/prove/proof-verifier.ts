import { readFile } from 'node:fs/promises';
import { parseJson } from '@mt/protocol';
import { Circuit, circuitFiles } from '../circuit/circuit.js';
import { CircuitArtifactMissingError } from '../errors.js';
import { verificationKeyHash } from '../setup/trusted-setup.js';
import {
  checkInferenceProof,
  type Verdict,
  type VerificationExpectations,
  type VerificationKey,
  verificationKeySchema,
} from './check-proof.js';
import { type ProofPool, proofPool } from './proof-pool.js';

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
    readonly verificationKey: VerificationKey,
    readonly verificationKeyHash: string,
    maxThreads: number,
  ) {
    this.#pool = proofPool({ maxThreads });
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
    let key: VerificationKey;
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

  /** Checks `proof` in full: its form, key, model commitment, input, outputs and the pairing check itself, on a worker thread. */
  check(proof: unknown, expected: VerificationExpectations = {}): Promise<Verdict> {
    return checkInferenceProof(proof, this, expected, async (parsed, verificationKey) => {
      const result = await this.#pool.run({
        kind: 'verify',
        system: parsed.system,
        verificationKey,
        publicSignals: parsed.publicSignals,
        proof: parsed.proof,
      });
      return 'valid' in result && result.valid;
    });
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
