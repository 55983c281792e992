import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import { CircuitArtifactMissingError, InvalidZkmlInputError } from '../errors.js';
import { lowerGraph } from '../lower/lower-graph.js';
import type { FixedPointProgram } from '../lower/program.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
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
  /** The witness circuit of a split witness (see `splitWitness` in `circuit.json`). */
  witnessSource: 'witness.circom',
  /** A split witness's copy of the model, which the prover runs: secret in private mode, as `weights.json`. */
  model: 'model.onnx',
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

  /**
   * Paths of the compiled build at `optimization`: its R1CS, the witness
   * generator, and for a split witness the map from the witness circuit's
   * signals to the circuit's wires.
   */
  build(optimization: Optimization): {
    dir: string;
    r1cs: string;
    wasm: string;
    witnessMap?: string;
  } {
    const dir = join(this.dir, optimization);
    const r1cs = join(dir, 'circuit.r1cs');
    if (this.metadata.splitWitness)
      return {
        dir,
        r1cs,
        wasm: join(dir, 'witness_js', 'witness.wasm'),
        witnessMap: join(dir, 'witness-map.bin'),
      };
    return { dir, r1cs, wasm: join(dir, 'circuit_js', 'circuit.wasm') };
  }

  /**
   * The lowered program of the model this circuit was compiled from, given
   * the model's bytes: checked against the compiled model's SHA-256, then
   * lowered with the circuit's own options, so that `evaluateProgram` runs
   * it exactly as the circuit does.
   *
   * @throws InvalidZkmlInputError when `onnx` is another model.
   */
  lowerModel(onnx: Uint8Array): FixedPointProgram {
    const { metadata } = this;
    const sha256 = createHash('sha256').update(onnx).digest('hex');
    if (sha256 !== metadata.onnxSha256)
      throw new InvalidZkmlInputError(
        'onnx',
        `the model has SHA-256 ${sha256}, not that of the model ${this.dir} was compiled from (${metadata.onnxSha256}); pass that model, or recompile`,
      );
    return lowerGraph(decodeOnnxGraph(onnx), {
      mode: metadata.mode,
      scaleBits: metadata.scaleBits,
      inputBits: metadata.inputBits,
    });
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
