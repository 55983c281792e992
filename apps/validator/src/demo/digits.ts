import { createRequire } from 'node:module';
import { accuracy, exportMlpToOnnx, type LabelledSet, trainMlp } from '@mt/zkml';

interface MnistDigit {
  length: number;
  get(index: number): number[];
}

/** A 28×28 image averaged over 2×2 blocks to 14×14: a quarter of the circuit's input checks and hashing. */
export function poolImage(pixels: readonly number[]): number[] {
  return Array.from({ length: 196 }, (_, k) => {
    const row = Math.floor(k / 14) * 2;
    const col = (k % 14) * 2;
    const at = (r: number, c: number) => pixels[r * 28 + c] ?? 0;
    return (at(row, col) + at(row, col + 1) + at(row + 1, col) + at(row + 1, col + 1)) / 4;
  });
}

/**
 * Trains the demo's digits MLP (196 → 32 → 10) on the real handwritten digits
 * of the `mnist` package, pooled to 14×14, and returns it as ONNX with its
 * held-out accuracy and the held-out images the validators will ask about.
 * Seeded, so the same ONNX bytes (and so the same cached circuit) every run.
 */
export function trainDigits(): { onnx: Uint8Array; accuracy: number; heldOut: number[][] } {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const train: LabelledSet = { inputs: [], labels: [] };
  const test: LabelledSet = { inputs: [], labels: [] };
  digits.forEach((digit, label) => {
    const cut = Math.floor(digit.length * 0.8);
    for (let i = 0; i < digit.length; i += 1) {
      const set = i < cut ? train : test;
      set.inputs.push(poolImage(digit.get(i)));
      set.labels.push(label);
    }
  });
  const model = trainMlp(train, 10, { hidden: 32, epochs: 6, seed: 7 });
  return {
    onnx: exportMlpToOnnx(model, 'digits-14x14'),
    accuracy: accuracy(model, test),
    heldOut: test.inputs,
  };
}
