/** A fully connected layer: `y = W·x + b`, with `weights[out][in]`. */
export interface DenseLayer {
  kind: 'dense';
  weights: number[][];
  bias: number[];
}

/** max(0, x), element-wise. */
export interface ReluLayer {
  kind: 'relu';
}

/** One step of an {@link Mlp}. */
export type MlpLayer = DenseLayer | ReluLayer;

/** A multilayer perceptron: a chain of dense and ReLU layers over a flat input. */
export interface Mlp {
  inputSize: number;
  outputSize: number;
  layers: MlpLayer[];
}

/** Evaluates the MLP in float64: the reference the fixed-point circuit is checked against. */
export function evaluateMlp(model: Mlp, input: readonly number[]): number[] {
  let values = [...input];
  for (const layer of model.layers) {
    if (layer.kind === 'relu') {
      values = values.map((v) => Math.max(0, v));
      continue;
    }
    values = layer.weights.map((row, o) =>
      row.reduce((acc, w, i) => acc + w * (values[i] ?? 0), layer.bias[o] ?? 0),
    );
  }
  return values;
}

/** Index of the largest value (the first one on a tie). */
export function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1)
    if ((values[i] ?? -Infinity) > (values[best] ?? -Infinity)) best = i;
  return best;
}
