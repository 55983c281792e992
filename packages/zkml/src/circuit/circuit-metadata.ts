import { z } from 'zod';
import { CircuitArtifactMissingError } from '../errors.js';
import type { CircuitMode } from '../lower/lower-graph.js';

/** A named tensor of the model, by shape. */
export interface TensorShape {
  name: string;
  dims: number[];
}

/** A private tensor of a private-mode circuit, without its values. */
export interface PrivateTensorShape {
  name: string;
  size: number;
  /** Signed bit width its values are committed at. */
  bits: number;
}

/**
 * What `circuit.json` in a circuit folder holds: everything a prover or a
 * verifier needs to encode inputs and decode public signals, and nothing
 * secret (private-mode weights and the salt live in `weights.json`).
 */
export interface CircuitMetadata {
  format: 'mt-zkml-circuit/2';
  mode: CircuitMode;
  scaleBits: number;
  inputBits: number;
  /** Values the circuit takes: every graph input flattened, in order. */
  inputSize: number;
  inputs: TensorShape[];
  /** Values the circuit outputs: every graph output flattened, in order. */
  outputSize: number;
  outputs: TensorShape[];
  /** The scores `predicted` is the argmax of (the first output with more than one element, else the first) lie in [−2^argmaxBits, 2^argmaxBits). */
  argmaxBits: number;
  /** The model commitment (the `modelHash` public signal), as a decimal string. */
  modelHash: string;
  /** SHA-256 of the circuit source before its digest was filled in: architecture, scale, bounds and, in public mode, the weights. */
  digest: string;
  /** SHA-256 of the ONNX file the circuit was made from. */
  onnxSha256: string;
  /** Constrained steps (shifts, ReLUs, comparisons, products, argmaxes) of the circuit. */
  steps: number;
  privateTensors: PrivateTensorShape[];
  /**
   * True when the witness comes from a separate witness circuit (a model too
   * large for circom2 to write its witness generator): the folder then holds
   * `witness.circom` and a copy of the model, which the prover runs.
   */
  splitWitness?: boolean;
}

const tensorShapeSchema = z.object({ name: z.string(), dims: z.array(z.int().min(0)) });

/**
 * The schema `circuit.json` is read with: a circuit folder may come from
 * anyone (a subnet publishes it), so every field is checked. The format is
 * any string here, so that an old folder gets its own message (recompile).
 */
export const circuitMetadataSchema = z.object({
  format: z.string(),
  mode: z.enum(['public', 'private']),
  scaleBits: z.int().min(0),
  inputBits: z.int().min(1),
  inputSize: z.int().min(0),
  inputs: z.array(tensorShapeSchema),
  outputSize: z.int().min(0),
  outputs: z.array(tensorShapeSchema),
  argmaxBits: z.int().min(0),
  modelHash: z.string().regex(/^\d+$/),
  digest: z.string(),
  onnxSha256: z.string(),
  steps: z.int().min(0),
  privateTensors: z.array(
    z.object({ name: z.string(), size: z.int().min(0), bits: z.int().min(1) }),
  ),
  splitWitness: z.boolean().optional(),
}) satisfies z.ZodType<Omit<CircuitMetadata, 'format'> & { format: string }, unknown>;

/** The public signals in order: outputs, predicted class, model hash, input hash. */
export function publicSignalCount(metadata: Pick<CircuitMetadata, 'outputSize'>): number {
  return metadata.outputSize + 3;
}

/**
 * `metadata` as this version reads it, or a refusal naming `where`: an
 * older folder's format is told to recompile rather than misread.
 *
 * @throws CircuitArtifactMissingError when the format is not `mt-zkml-circuit/2`.
 */
export function currentFormat(
  metadata: z.output<typeof circuitMetadataSchema>,
  where: string,
): CircuitMetadata {
  if (metadata.format !== 'mt-zkml-circuit/2') {
    throw new CircuitArtifactMissingError(
      where,
      `it has format ${JSON.stringify(metadata.format)}, expected mt-zkml-circuit/2; recompile the model`,
    );
  }
  return metadata as CircuitMetadata;
}
