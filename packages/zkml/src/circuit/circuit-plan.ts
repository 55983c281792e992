import { InvalidZkmlInputError } from '../errors.js';
import { check } from '../option-checks.js';
import type { FixedPointMlp } from '../quantize/fixed-point-mlp.js';
import { packedPoseidon, poseidon, signedBitsFor } from './packed-poseidon.js';

/**
 * Whose secret the weights are. `public`: the weights are constants of the
 * circuit (each multiply-accumulate is free) and the verification key itself
 * pins the model. `private`: the weights are private inputs, bound by a
 * Poseidon commitment the verifier compares with the published one.
 */
export type CircuitMode = 'public' | 'private';

/** One dense layer as the circuit computes it. */
export interface PlannedLayer {
  inputSize: number;
  outputSize: number;
  weights: bigint[][];
  bias: bigint[];
  /** Whether a ReLU follows the requantising shift. */
  relu: boolean;
  /** The accumulator lies in [−2^accBits, 2^accBits). */
  accBits: number;
  /** Signed bit width of the weights (and the commitment's packing of them). */
  weightBits: number;
  /** Signed bit width of the biases. */
  biasBits: number;
}

/**
 * Everything the circuit generator, the witness builder and the decoder
 * agree on. Derived from a quantised model by {@link planCircuit}.
 */
export interface CircuitPlan {
  mode: CircuitMode;
  scaleBits: number;
  inputSize: number;
  outputSize: number;
  /** Quantised inputs must lie in [−2^(inputBits−1), 2^(inputBits−1)). */
  inputBits: number;
  layers: PlannedLayer[];
  /** The logits lie in [−2^argmaxBits, 2^argmaxBits). */
  argmaxBits: number;
  /** The Poseidon commitment to the quantised weights (the `modelHash` public signal). */
  modelHash: bigint;
}

/** Options of {@link planCircuit}. */
export interface PlanOptions {
  mode?: CircuitMode;
  /**
   * Signed bit width of the quantised input. The default, `scaleBits + 8`,
   * admits inputs in [−128, 128) float units.
   */
  inputBits?: number;
}

const MAX_FIELD_BITS = 249;

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function ceilShift(value: bigint, bits: number): bigint {
  const divisor = 1n << BigInt(bits);
  return (value + divisor - 1n) / divisor;
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

/**
 * Lays out the circuit for a quantised model: folds each ReLU into the dense
 * layer before it, bounds every accumulator so its range check is tight (from
 * the actual weights in public mode, from their bit widths in private mode,
 * where any weights of those widths must fit), and computes the model
 * commitment.
 *
 * @throws InvalidZkmlInputError when a ReLU does not follow a dense layer,
 *   or an accumulator would not fit in the field.
 */
export function planCircuit(model: FixedPointMlp, options: PlanOptions = {}): CircuitPlan {
  const mode = options.mode ?? 'public';
  const scaleBits = model.scaleBits;
  const inputBits = options.inputBits ?? scaleBits + 8;
  check.integer('inputBits', inputBits, 2, 64);
  const layers: PlannedLayer[] = [];
  let bound = 1n << BigInt(inputBits - 1);
  let size = model.inputSize;
  for (const [index, layer] of model.layers.entries()) {
    if (layer.kind === 'relu') {
      const previous = layers.at(-1);
      if (!previous) {
        throw new InvalidZkmlInputError(
          `layers[${index}]`,
          'a ReLU must follow a dense layer (Gemm or MatMul); a ReLU on the raw input is not supported',
        );
      }
      previous.relu = true;
      continue;
    }
    const inputSize = layer.weights[0]?.length ?? 0;
    if (inputSize !== size || layer.bias.length !== layer.weights.length) {
      throw new InvalidZkmlInputError(
        `layers[${index}]`,
        `takes ${inputSize} inputs and has ${layer.bias.length} biases for ${layer.weights.length} outputs, after a layer of ${size}`,
      );
    }
    const weightBits = signedBitsFor(layer.weights.flat());
    const biasBits = signedBitsFor(layer.bias);
    let accBound: bigint;
    if (mode === 'public') {
      accBound = 0n;
      layer.weights.forEach((row, o) => {
        let neuron = absolute(layer.bias[o] ?? 0n);
        for (const w of row) neuron += absolute(w) * bound;
        if (neuron > accBound) accBound = neuron;
      });
    } else {
      accBound =
        BigInt(inputSize) * (1n << BigInt(weightBits - 1)) * bound + (1n << BigInt(biasBits - 1));
    }
    const accBits = Math.max(scaleBits, bitLength(accBound));
    if (accBits > MAX_FIELD_BITS) {
      throw new InvalidZkmlInputError(
        `layers[${index}]`,
        `its accumulator needs ${accBits} bits, more than the ${MAX_FIELD_BITS} the field allows; lower scaleBits or inputBits`,
      );
    }
    layers.push({
      inputSize,
      outputSize: layer.weights.length,
      weights: layer.weights,
      bias: layer.bias,
      relu: false,
      accBits,
      weightBits,
      biasBits,
    });
    bound = ceilShift(accBound, scaleBits);
    size = layer.weights.length;
  }
  if (layers.length === 0) throw new InvalidZkmlInputError('model', 'has no dense layer');
  if (layers.length * 2 > 16) {
    throw new InvalidZkmlInputError(
      'model',
      `has ${layers.length} dense layers; the commitment covers at most 8`,
    );
  }
  return {
    mode,
    scaleBits,
    inputSize: model.inputSize,
    outputSize: size,
    inputBits,
    layers,
    argmaxBits: Math.max(1, bitLength(bound)),
    modelHash: modelCommitment(layers),
  };
}

/**
 * The model commitment: Poseidon over one packed-Poseidon hash per tensor,
 * weights then bias, layer by layer, each packed at its own bit width.
 */
export function modelCommitment(layers: readonly PlannedLayer[]): bigint {
  return poseidon(
    layers.flatMap((layer) => [
      packedPoseidon(layer.weights.flat(), layer.weightBits),
      packedPoseidon(layer.bias, layer.biasBits),
    ]),
  );
}
