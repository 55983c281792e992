import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import { CircuitArtifactMissingError } from '../errors.js';
import { CircuitDescription } from './circuit-description.js';
import { type CircuitMetadata, circuitMetadataSchema, currentFormat } from './circuit-metadata.js';

/** Compiler optimisation level: O2 for Groth16 (fewer constraints), O1 for PLONK (sparse, far fewer gates). */
export type Optimization = 'O1' | 'O2';

/** What `weights.json` holds: the commitment's salt and the quantised private tensors, as decimal strings. */
export interface PrivateWeights {
  salt: string;
  tensors: string[][];
}

/** The schema `weights.json` is read with. */
export const privateWeightsSchema = z.object({
  salt: z.string().regex(/^\d+$/),
  tensors: z.array(z.array(z.string().regex(/^-?\d+$/))),
}) satisfies z.ZodType<PrivateWeights, unknown>;

/** File names inside a circuit folder. */
export const circuitFiles = {
  source: 'circuit.circom',
  metadata: 'circuit.json',
  weights: 'weights.json',
  verificationKey: 'verification_key.json',
  setup: 'setup.json',
} as const;

/** A JSON file of a circuit folder, checked against `schema`; `remedy` says what to run when it is missing or wrong. */
export async function readCircuitJson<S extends z.ZodType>(
  path: string,
  schema: S,
  remedy: string,
): Promise<z.output<S>> {
  try {
    return parseJson(await readFile(path, 'utf8'), schema, { typeName: basename(path) });
  } catch (error) {
    throw new CircuitArtifactMissingError(path, remedy, { cause: error });
  }
}

/**
 * A compiled model circuit: a folder written by `CircuitCompiler` holding the
 * Circom source, `circuit.json`, the compiled builds (`O2/`, `O1/`) and, after
 * setup, the proving and verification keys.
 *
 * @example
 * ```ts
 * const circuit = await Circuit.load('build/digits');
 * circuit.inputHash(pixels); // what the proof's inputHash signal must equal
 * ```
 */
export class Circuit extends CircuitDescription {
  #weights: Promise<PrivateWeights> | undefined;

  private constructor(
    readonly dir: string,
    metadata: CircuitMetadata,
  ) {
    super(metadata);
  }

  /** Reads the circuit folder `dir`. */
  static async load(dir: string): Promise<Circuit> {
    const metadata = await readCircuitJson(
      join(dir, circuitFiles.metadata),
      circuitMetadataSchema,
      'compile the model first (mt-zkml compile MODEL.onnx --out DIR)',
    );
    return new Circuit(dir, currentFormat(metadata, join(dir, circuitFiles.metadata)));
  }

  /** Paths of the compiled build at `optimization`. */
  build(optimization: Optimization): { dir: string; r1cs: string; wasm: string } {
    const dir = join(this.dir, optimization);
    return {
      dir,
      r1cs: join(dir, 'circuit.r1cs'),
      wasm: join(dir, 'circuit_js', 'circuit.wasm'),
    };
  }

  /** A file in the circuit folder. */
  file(name: string): string {
    return join(this.dir, name);
  }

  /** The witness input for `input`: the quantised values, plus the weights and the salt in private mode. */
  async witnessInput(input: readonly number[]): Promise<Record<string, unknown>> {
    const witness: Record<string, unknown> = {
      x: this.quantizeInput(input).map(String),
    };
    if (this.metadata.mode === 'private') {
      // Read once per Circuit: a prover calls this for every proof.
      this.#weights ??= readCircuitJson(
        this.file(circuitFiles.weights),
        privateWeightsSchema,
        'private-mode proofs need the quantised weights that compile writes there',
      );
      this.#weights.catch(() => {
        this.#weights = undefined;
      });
      const weights = await this.#weights;
      weights.tensors.forEach((values, k) => {
        witness[`p${k}`] = values;
      });
      witness.salt = weights.salt;
    }
    return witness;
  }
}
