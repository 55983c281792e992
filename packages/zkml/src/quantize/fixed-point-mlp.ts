import { InvalidZkmlInputError } from '../errors.js';
import { argmax, evaluateMlp, type Mlp } from '../onnx/mlp.js';
import { check } from '../option-checks.js';

/** A dense layer in fixed point: weights at scale 2^S, biases at 2^(2S). */
export interface FixedDenseLayer {
  kind: 'dense';
  weights: bigint[][];
  bias: bigint[];
}

/** An {@link Mlp} quantised to fixed point with `scaleBits` fractional bits. */
export interface FixedPointMlp {
  scaleBits: number;
  inputSize: number;
  outputSize: number;
  layers: (FixedDenseLayer | { kind: 'relu' })[];
}

/** How far quantisation moved the parameters. */
export interface QuantizationReport {
  scaleBits: number;
  /** Largest |w − q/2^S| over all weights. */
  maxWeightError: number;
  /** Largest |b − q/2^(2S)| over all biases. */
  maxBiasError: number;
}

/** `round(x · 2^bits)` as a bigint (half away from zero). */
export function toFixed(x: number, bits: number): bigint {
  if (!Number.isFinite(x)) throw new InvalidZkmlInputError('value', `must be finite, got ${x}`);
  const scaled = x * 2 ** bits;
  return BigInt(Math.sign(scaled) * Math.round(Math.abs(scaled)));
}

/** `floor(a / 2^bits)` for any sign, as the circuit's shift computes it. */
export function floorShift(a: bigint, bits: number): bigint {
  const divisor = 1n << BigInt(bits);
  const q = a / divisor;
  return a < 0n && q * divisor !== a ? q - 1n : q;
}

/**
 * Quantises `model`: weights become `round(w · 2^S)`, biases
 * `round(b · 2^(2S))` (the scale of a weight times an input), so a layer's
 * accumulator `b + Σ W·x` needs no rescaling before the single shift back.
 */
export function quantizeMlp(
  model: Mlp,
  scaleBits = 8,
): { model: FixedPointMlp; report: QuantizationReport } {
  check.integer('scaleBits', scaleBits, 1, 24);
  let maxWeightError = 0;
  let maxBiasError = 0;
  const layers = model.layers.map((layer) => {
    if (layer.kind === 'relu') return layer;
    const weights = layer.weights.map((row) =>
      row.map((w) => {
        const q = toFixed(w, scaleBits);
        maxWeightError = Math.max(maxWeightError, Math.abs(w - Number(q) / 2 ** scaleBits));
        return q;
      }),
    );
    const bias = layer.bias.map((b) => {
      const q = toFixed(b, 2 * scaleBits);
      maxBiasError = Math.max(maxBiasError, Math.abs(b - Number(q) / 2 ** (2 * scaleBits)));
      return q;
    });
    return { kind: 'dense' as const, weights, bias };
  });
  return {
    model: { scaleBits, inputSize: model.inputSize, outputSize: model.outputSize, layers },
    report: { scaleBits, maxWeightError, maxBiasError },
  };
}

/** One dense layer in fixed point: `floor((b + Σ W·x) / 2^S)`, as the circuit computes it. */
function applyDense(
  layer: FixedDenseLayer,
  values: readonly bigint[],
  scaleBits: number,
): bigint[] {
  return layer.weights.map((row, o) => {
    let acc = layer.bias[o] ?? 0n;
    for (let i = 0; i < row.length; i += 1) acc += (row[i] ?? 0n) * (values[i] ?? 0n);
    return floorShift(acc, scaleBits);
  });
}

/**
 * Runs the fixed-point model exactly as the circuit does: the input at 2^S,
 * each dense layer's accumulator at 2^(2S) shifted back down with floor
 * division, ReLU on the shifted value. Returns the raw logits (scale 2^S),
 * their float values, and the predicted class.
 */
export function evaluateFixedPoint(
  model: FixedPointMlp,
  input: readonly number[],
): { logits: bigint[]; outputs: number[]; predicted: number } {
  if (input.length !== model.inputSize) {
    throw new InvalidZkmlInputError(
      'input',
      `has ${input.length} values; the model takes ${model.inputSize}`,
    );
  }
  let values = input.map((x) => toFixed(x, model.scaleBits));
  for (const layer of model.layers) {
    if (layer.kind === 'relu') {
      values = values.map((v) => (v > 0n ? v : 0n));
      continue;
    }
    values = applyDense(layer, values, model.scaleBits);
  }
  const outputs = values.map((v) => Number(v) / 2 ** model.scaleBits);
  return { logits: values, outputs, predicted: argmax(outputs) };
}

/** How far the fixed-point outputs are from the float ones on `samples`. */
export function measureQuantizationError(
  float: Mlp,
  fixed: FixedPointMlp,
  samples: readonly (readonly number[])[],
): { maxAbsError: number; meanAbsError: number; argmaxAgreement: number } {
  let max = 0;
  let total = 0;
  let count = 0;
  let agree = 0;
  for (const sample of samples) {
    const exact = evaluateMlp(float, sample);
    const approx = evaluateFixedPoint(fixed, sample);
    exact.forEach((value, i) => {
      const error = Math.abs(value - (approx.outputs[i] ?? 0));
      max = Math.max(max, error);
      total += error;
      count += 1;
    });
    if (argmax(exact) === approx.predicted) agree += 1;
  }
  return {
    maxAbsError: max,
    meanAbsError: count === 0 ? 0 : total / count,
    argmaxAgreement: samples.length === 0 ? 1 : agree / samples.length,
  };
}

/**
 * A worst-case bound, per output, on |float output − fixed-point output| for
 * one input: the input's rounding (half a unit), each weight's and bias's
 * rounding, and the floor of every shift (under one unit), carried through
 * the layers (ReLU never widens it). The circuit computes the fixed-point
 * output exactly, so this bounds its distance from the float model too.
 */
export function quantizationErrorBound(
  float: Mlp,
  fixed: FixedPointMlp,
  input: readonly number[],
): number[] {
  const unit = 2 ** -fixed.scaleBits;
  let error = input.map(() => unit / 2);
  let values = input.map((x) => toFixed(x, fixed.scaleBits));
  fixed.layers.forEach((layer, l) => {
    const exact = float.layers[l];
    if (layer.kind === 'relu' || exact?.kind !== 'dense') {
      values = values.map((v) => (v > 0n ? v : 0n));
      return;
    }
    error = layer.weights.map((row, o) => {
      let bound = unit + Math.abs(Number(layer.bias[o] ?? 0n) * unit * unit - (exact.bias[o] ?? 0));
      row.forEach((w, i) => {
        const weight = exact.weights[o]?.[i] ?? 0;
        bound += Math.abs(weight) * (error[i] ?? 0);
        bound += Math.abs(Number(w) * unit - weight) * Math.abs(Number(values[i] ?? 0n) * unit);
      });
      return bound;
    });
    values = applyDense(layer, values, fixed.scaleBits);
  });
  return error;
}
