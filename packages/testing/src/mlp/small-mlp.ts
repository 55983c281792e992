import type { Mlp } from './mlp.js';

/** A deterministic pseudo-random MLP `sizes[0] → … → sizes.at(-1)` with ReLU between dense layers. */
export function smallMlp(sizes: readonly number[], seed: number): Mlp {
  let state = seed;
  const next = () => {
    state = (state * 16807) % 2147483647;
    return (state / 2147483647) * 2 - 1;
  };
  const layers: Mlp['layers'] = [];
  for (let l = 1; l < sizes.length; l += 1) {
    const inputs = sizes[l - 1] ?? 0;
    const outputs = sizes[l] ?? 0;
    if (l > 1) layers.push({ kind: 'relu' });
    layers.push({
      kind: 'dense',
      weights: Array.from({ length: outputs }, () => Array.from({ length: inputs }, next)),
      bias: Array.from({ length: outputs }, next),
    });
  }
  return { inputSize: sizes[0] ?? 0, outputSize: sizes.at(-1) ?? 0, layers };
}

/** Deterministic inputs in [−1, 1). */
export function sampleInputs(size: number, count: number, seed: number): number[][] {
  const model = smallMlp([size, count], seed);
  const first = model.layers[0];
  return first?.kind === 'dense' ? first.weights : [];
}
