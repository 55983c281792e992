import { parseJson } from '@mt/protocol';
import { curves, groth16, plonk } from 'snarkjs';
import { CircuitDescription } from '../circuit/circuit-description.js';
import { circuitMetadataSchema, currentFormat } from '../circuit/circuit-metadata.js';
import { CircuitArtifactMissingError } from '../errors.js';
import {
  checkInferenceProof,
  type PairingCheck,
  type Verdict,
  type VerificationExpectations,
  type VerificationKey,
  verificationKeySchema,
} from '../prove/check-proof.js';
import { sha256Hex } from './pinned-file.js';

let curveReady: Promise<void> | undefined;

/**
 * Makes snarkjs's curve one a page can run. It otherwise starts one Web
 * Worker per core from a `blob:` URL, which a page under a strict CSP may
 * not do (and one check does not need), so a single-threaded curve is built
 * first and left where snarkjs's verifiers look for a shared one.
 */
function singleThreadCurve(): Promise<void> {
  curveReady ??= curves.getCurveFromName('bn128', { singleThread: true }).then((curve) => {
    (globalThis as { curve_bn128?: unknown }).curve_bn128 = curve;
  });
  curveReady.catch(() => {
    curveReady = undefined;
  });
  return curveReady;
}

// Named imports, so a bundler leaves out the parts of snarkjs a verifier never calls.
const systems = { groth16, plonk };

const pagePairing: PairingCheck = async (proof, verificationKey) => {
  await singleThreadCurve();
  return systems[proof.system].verify(verificationKey, proof.publicSignals, proof.proof);
};

function text(bytes: string | Uint8Array): string {
  return typeof bytes === 'string' ? bytes : new TextDecoder().decode(bytes);
}

/** A circuit's public files, as a page fetched them or a reader dropped them. */
export interface CircuitPublicFiles {
  /** `circuit.json`. */
  circuit: string | Uint8Array;
  /** `verification_key.json`, byte for byte as the setup wrote it (proofs name its SHA-256). */
  verificationKey: string | Uint8Array;
}

/**
 * Checks inference proofs in a browser, with the same checks and the same
 * verdict codes as `ProofVerifier` in Node (both run `checkInferenceProof`);
 * only the pairing differs, by snarkjs's browser build on the page's own
 * thread. Built from a circuit's two public files, so a reader needs no
 * server and trusts no validator.
 *
 * @example
 * ```ts
 * const verifier = await BrowserProofVerifier.fromFiles({ circuit, verificationKey });
 * const verdict = await verifier.check(proof, { input });
 * ```
 */
export class BrowserProofVerifier {
  private constructor(
    readonly circuit: CircuitDescription,
    readonly verificationKey: VerificationKey,
    readonly verificationKeyHash: string,
  ) {}

  /**
   * Reads `circuit.json` and `verification_key.json`.
   *
   * @throws CircuitArtifactMissingError when either is not what it should be.
   */
  static async fromFiles(files: CircuitPublicFiles): Promise<BrowserProofVerifier> {
    const read = <T>(name: string, parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        throw new CircuitArtifactMissingError(
          name,
          'use the one from the circuit folder the proofs were made with',
          { cause: error },
        );
      }
    };
    const metadata = read('circuit.json', () =>
      currentFormat(
        parseJson(text(files.circuit), circuitMetadataSchema, { typeName: 'circuit.json' }),
        'circuit.json',
      ),
    );
    const keyText = text(files.verificationKey);
    const key = read('verification_key.json', () =>
      parseJson(keyText, verificationKeySchema, { typeName: 'verification key' }),
    );
    return new BrowserProofVerifier(new CircuitDescription(metadata), key, sha256Hex(keyText));
  }

  /** Checks `proof` in full: its form, key, model commitment, input, outputs and the pairing. */
  check(proof: unknown, expected: VerificationExpectations = {}): Promise<Verdict> {
    return checkInferenceProof(proof, this, expected, pagePairing);
  }
}
