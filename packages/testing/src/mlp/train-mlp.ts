import { FixtureError } from '../errors.js';
import type { LabelledSet, Mlp } from './mlp.js';

/** Options of {@link trainMlp}. */
export interface TrainOptions {
  hidden?: number;
  epochs?: number;
  learningRate?: number;
  seed?: number;
}

/** mulberry32: a small seeded generator, so training is reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Trains a one-hidden-layer MLP (input → hidden → ReLU → classes) with plain
 * SGD on softmax cross-entropy, He-initialised from a seed, so the same data
 * and options always give the same model.
 */
export function trainMlp(train: LabelledSet, classes: number, options: TrainOptions = {}): Mlp {
  const inputSize = train.inputs[0]?.length ?? 0;
  if (inputSize === 0 || train.inputs.length !== train.labels.length) {
    throw new FixtureError('trainMlp needs as many labels as inputs, and at least one input');
  }
  const hidden = options.hidden ?? 32;
  const epochs = options.epochs ?? 8;
  const rate = options.learningRate ?? 0.05;
  const random = seeded(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const w1 = Array.from({ length: hidden }, () =>
    Float64Array.from({ length: inputSize }, () => gaussian() * Math.sqrt(2 / inputSize)),
  );
  const b1 = new Float64Array(hidden);
  const w2 = Array.from({ length: classes }, () =>
    Float64Array.from({ length: hidden }, () => gaussian() * Math.sqrt(2 / hidden)),
  );
  const b2 = new Float64Array(classes);
  const order = train.inputs.map((_, i) => i);
  const h = new Float64Array(hidden);
  const dh = new Float64Array(hidden);
  const p = new Float64Array(classes);
  for (let epoch = 0; epoch < epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    const lr = rate / (1 + epoch * 0.5);
    for (const index of order) {
      const x = train.inputs[index] as number[];
      const label = train.labels[index] as number;
      for (let k = 0; k < hidden; k += 1) {
        const row = w1[k] as Float64Array;
        let acc = b1[k] as number;
        for (let i = 0; i < inputSize; i += 1) acc += (row[i] as number) * (x[i] as number);
        h[k] = Math.max(acc, 0);
      }
      let max = -Infinity;
      for (let c = 0; c < classes; c += 1) {
        const row = w2[c] as Float64Array;
        let acc = b2[c] as number;
        for (let k = 0; k < hidden; k += 1) acc += (row[k] as number) * (h[k] as number);
        p[c] = acc;
        max = Math.max(max, acc);
      }
      let sum = 0;
      for (let c = 0; c < classes; c += 1) {
        p[c] = Math.exp((p[c] as number) - max);
        sum += p[c] as number;
      }
      dh.fill(0);
      for (let c = 0; c < classes; c += 1) {
        const grad = (p[c] as number) / sum - (c === label ? 1 : 0);
        const row = w2[c] as Float64Array;
        for (let k = 0; k < hidden; k += 1) {
          dh[k] = (dh[k] as number) + grad * (row[k] as number);
          row[k] = (row[k] as number) - lr * grad * (h[k] as number);
        }
        b2[c] = (b2[c] as number) - lr * grad;
      }
      for (let k = 0; k < hidden; k += 1) {
        if ((h[k] as number) <= 0) continue;
        const grad = dh[k] as number;
        const row = w1[k] as Float64Array;
        for (let i = 0; i < inputSize; i += 1)
          row[i] = (row[i] as number) - lr * grad * (x[i] as number);
        b1[k] = (b1[k] as number) - lr * grad;
      }
    }
  }
  return {
    inputSize,
    outputSize: classes,
    layers: [
      { kind: 'dense', weights: w1.map((r) => Array.from(r)), bias: Array.from(b1) },
      { kind: 'relu' },
      { kind: 'dense', weights: w2.map((r) => Array.from(r)), bias: Array.from(b2) },
    ],
  };
}

/**
 * Share of `set` that `classify` labels correctly; pass the model under test,
 * e.g. `(x) => argmax(evaluateMlp(model, x))` with `@mt/zkml`'s reference.
 */
export function accuracy(set: LabelledSet, classify: (input: number[]) => number): number {
  let right = 0;
  set.inputs.forEach((x, i) => {
    if (classify(x) === set.labels[i]) right += 1;
  });
  return set.inputs.length === 0 ? 0 : right / set.inputs.length;
}
