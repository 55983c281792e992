import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import { CircuitArtifactMissingError, InvalidZkmlInputError } from '../errors.js';
import { quantizeInput } from '../lower/quantize-input.js';
import {
  type CircuitMetadata,
  circuitMetadataSchema,
  publicSignalCount,
} from './circuit-metadata.js';
import { FIELD_PRIME, packedPoseidon } from './packed-poseidon.js';

/** Compiler optimisation level: O2 for Groth16 (fewer constraints), O1 for PLONK (sparse, far fewer gates). */
export type Optimization = 'O1' | 'O2';

/** The model outputs a proof attests to, decoded from its public signals. */
export interface DecodedOutputs {
  /** Every output in float units (the fixed-point values divided by 2^S), flattened in order. */
  outputs: number[];
  /** The predicted class: the first largest element of the first output with more than one element (else of the first). */
  predicted: number;
  /** The model commitment the proof is bound to. */
  modelHash: string;
  /** The packed Poseidon hash of the quantised input. */
  inputHash: string;
}

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

function toSigned(value: bigint): bigint {
  return value > FIELD_PRIME / 2n ? value - FIELD_PRIME : value;
}

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
export class Circuit {
  #weights: Promise<PrivateWeights> | undefined;

  private constructor(
    readonly dir: string,
    readonly metadata: CircuitMetadata,
  ) {}

  /** Reads the circuit folder `dir`. */
  static async load(dir: string): Promise<Circuit> {
    const metadata = await readCircuitJson(
      join(dir, circuitFiles.metadata),
      circuitMetadataSchema,
      'compile the model first (mt-zkml compile MODEL.onnx --out DIR)',
    );
    if (metadata.format !== 'mt-zkml-circuit/2') {
      throw new CircuitArtifactMissingError(
        join(dir, circuitFiles.metadata),
        `it has format ${JSON.stringify(metadata.format)}, expected mt-zkml-circuit/2; recompile the model`,
      );
    }
    return new Circuit(dir, metadata as CircuitMetadata);
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

  /**
   * The input quantised as the circuit takes it.
   *
   * @throws InvalidZkmlInputError when the length is wrong or a value is
   *   not finite or outside the circuit's input range.
   */
  quantizeInput(input: readonly number[]): bigint[] {
    return quantizeInput(this.metadata, input);
  }

  /** The `inputHash` public signal a proof on `input` carries. */
  inputHash(input: readonly number[]): string {
    return packedPoseidon(this.quantizeInput(input), this.metadata.inputBits).toString();
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

  /**
   * Reads the public signals of a proof of this circuit.
   *
   * @throws InvalidZkmlInputError when their number or form is wrong.
   */
  decode(publicSignals: readonly string[]): DecodedOutputs {
    const { outputSize, scaleBits } = this.metadata;
    if (publicSignals.length !== publicSignalCount(this.metadata)) {
      throw new InvalidZkmlInputError(
        'publicSignals',
        `has ${publicSignals.length} values; this circuit has ${publicSignalCount(this.metadata)}`,
      );
    }
    const values = publicSignals.map((signal, i) => {
      if (!/^(0|[1-9][0-9]*)$/.test(signal)) {
        throw new InvalidZkmlInputError(`publicSignals[${i}]`, 'must be a decimal field element');
      }
      return BigInt(signal);
    });
    return {
      outputs: values.slice(0, outputSize).map((v) => Number(toSigned(v)) / 2 ** scaleBits),
      predicted: Number(values[outputSize]),
      modelHash: String(values[outputSize + 1]),
      inputHash: String(values[outputSize + 2]),
    };
  }
}
