import { accuracy, exportMlpToOnnx, loadMnist, trainMlp } from '@mt/testing';
import { argmax, evaluateMlp } from '@mt/zkml';

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
  const mnist = loadMnist(0.2);
  const pooled = (set: typeof mnist.train) => ({ ...set, inputs: set.inputs.map(poolImage) });
  const [train, test] = [pooled(mnist.train), pooled(mnist.test)];
  const model = trainMlp(train, 10, { hidden: 32, epochs: 6, seed: 7 });
  return {
    onnx: exportMlpToOnnx(model, 'digits-14x14'),
    accuracy: accuracy(test, (x) => argmax(evaluateMlp(model, x))),
    heldOut: test.inputs,
  };
}
