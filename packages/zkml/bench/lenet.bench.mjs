// @mt/zkml benchmark: LeNet-5 (two 5×5 convolutions with average pooling,
// three dense layers, on 1×28×28), past what circom2 writes a witness
// generator for, so compiled with a split witness; beside circomlib-ml's
// own Conv2D/AveragePooling2D/Dense templates on the same shapes, as
// bench:cnn does for the MNIST CNN.
//   pnpm --filter @mt/zkml bench:lenet     (needs development ptaus of 2^18 and 2^19, made once per machine)
// Every figure comes from this run; the run stops before printing any if a
// proof fails to verify or the circuit disagrees with the TypeScript program.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitCompiler, decodeOnnxGraph, lowerGraph } from '../dist/index.js';
import { linearTerms } from '../dist/internal.js';
import {
  constraints,
  fail,
  median,
  nest,
  proveOurs,
  proveTheirs,
  smallIntegers,
  time,
} from './bench-helpers.mjs';
import { LENET_WIDTHS, lenet5, lenetMacs } from './bench-models.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): a narrower
// LeNet (the same layers, 2/4 channels, 16/12 hidden), its witness split
// all the same; both circuits compiled and counted, no setup and no proofs.
const QUICK = process.env.BENCH_QUICK === '1';
const widths = QUICK ? { c1: 2, c2: 4, f1: 16, f2: 12 } : LENET_WIDTHS;
const { c1, c2, f1, f2 } = widths;
const macs = lenetMacs(widths);
const require = createRequire(import.meta.url);
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-lenet-'));
const quiet = () => {};

// 1. Ours: public weights, compiled with the witness apart.
const onnx = lenet5(widths);
const program = lowerGraph(decodeOnnxGraph(onnx), { inputBits: 10 });
const compiler = new CircuitCompiler({ onProgress: quiet });
const compiled = await time(() =>
  compiler.compileModel(onnx, join(work, 'lenet'), { inputBits: 10, splitWitness: true }),
);
const circuit = compiled.value;
if (!circuit.metadata.splitWitness) fail('LeNet-5 was not compiled with a split witness');
const ours = constraints(circuit.build('O2').r1cs);
const digits = require('mnist');
const images = Array.from({ length: 4 }, (_, d) => digits[d].get(0));
const oursRun = QUICK ? undefined : await proveOurs('LeNet-5', circuit, program, images);

// 2. circomlib-ml on the same shapes: the input pre-padded to 32×32, weights
// as signals (as its templates take them), no rescaling or ReLU (which it
// leaves to other templates).
const lib = join(require.resolve('circomlib-ml/package.json'), '..', 'circuits');
const theirsSource = `pragma circom 2.0.0;
include "${lib}/Conv2D.circom";
include "${lib}/AveragePooling2D.circom";
include "${lib}/Dense.circom";
template LeNet() {
  signal input in[32][32][1];
  signal input w1[5][5][1][${c1}]; signal input b1[${c1}];
  signal input w2[5][5][${c1}][${c2}]; signal input b2[${c2}];
  signal input w3[${25 * c2}][${f1}]; signal input b3[${f1}];
  signal input w4[${f1}][${f2}]; signal input b4[${f2}];
  signal input w5[${f2}][10]; signal input b5[10];
  signal output out[10];
  component c1 = Conv2D(32, 32, 1, ${c1}, 5, 1);
  c1.in <== in; c1.weights <== w1; c1.bias <== b1;
  component p1 = AveragePooling2D(28, 28, ${c1}, 2, 2, 25);
  p1.in <== c1.out;
  component c2 = Conv2D(14, 14, ${c1}, ${c2}, 5, 1);
  c2.in <== p1.out; c2.weights <== w2; c2.bias <== b2;
  component p2 = AveragePooling2D(10, 10, ${c2}, 2, 2, 25);
  p2.in <== c2.out;
  component d1 = Dense(${25 * c2}, ${f1});
  for (var i = 0; i < 5; i++) for (var j = 0; j < 5; j++) for (var k = 0; k < ${c2}; k++) d1.in[(i * 5 + j) * ${c2} + k] <== p2.out[i][j][k];
  d1.weights <== w3; d1.bias <== b3;
  component d2 = Dense(${f1}, ${f2});
  d2.in <== d1.out; d2.weights <== w4; d2.bias <== b4;
  component d3 = Dense(${f2}, 10);
  d3.in <== d2.out; d3.weights <== w5; d3.bias <== b5;
  out <== d3.out;
}
component main = LeNet();
`;
await writeFile(join(work, 'theirs.circom'), theirsSource);
const theirsCompiled = await time(() =>
  compiler.compileFile(join(work, 'theirs.circom'), join(work, 'theirs')),
);
const theirsBuild = theirsCompiled.value;
const theirs = constraints(theirsBuild.r1cs);
const padded = Array.from({ length: 32 * 32 }, (_, k) => {
  const [r, c] = [Math.floor(k / 32) - 2, (k % 32) - 2];
  const inside = r >= 0 && r < 28 && c >= 0 && c < 28;
  return String(inside ? Math.round(images[1][r * 28 + c] * 255) : 0);
});
const theirsInput = {
  in: nest(padded, [32, 32, 1]),
  w1: nest(smallIntegers(25 * c1, 1), [5, 5, 1, c1]),
  b1: smallIntegers(c1, 2),
  w2: nest(smallIntegers(25 * c1 * c2, 3), [5, 5, c1, c2]),
  b2: smallIntegers(c2, 4),
  w3: nest(smallIntegers(25 * c2 * f1, 5), [25 * c2, f1]),
  b3: smallIntegers(f1, 6),
  w4: nest(smallIntegers(f1 * f2, 7), [f1, f2]),
  b4: smallIntegers(f2, 8),
  w5: nest(smallIntegers(f2 * 10, 9), [f2, 10]),
  b5: smallIntegers(10, 10),
};
const theirsMs = QUICK
  ? undefined
  : await proveTheirs('theirs', theirsBuild, 10, theirsInput, work);

const name = QUICK ? `a narrower LeNet (${c1}/${c2} channels, ${f1}/${f2} hidden)` : 'LeNet-5';
console.log(`\n${name} (${macs} MACs), Groth16 on ${cpus().length} cores:`);
console.log(
  `  ours (public weights, witness split): ${linearTerms(program)} linear terms, ${program.steps.length} steps, ${ours} constraints (${(ours / macs).toFixed(3)} per MAC), compile ${(compiled.ms / 1000).toFixed(1)} s`,
);
console.log(
  `  circomlib-ml Conv2D/AveragePooling2D/Dense, same shapes: ${theirs} constraints (${(theirs / macs).toFixed(3)} per MAC), compile ${(theirsCompiled.ms / 1000).toFixed(1)} s: ${(theirs / ours).toFixed(2)}x ours`,
);
if (!oursRun || !theirsMs) {
  console.log('  quick mode: no setup and no proofs (their setups take minutes)');
  process.exit(0);
}
const { setup, proveMs } = oursRun;
console.log(
  `  ours: setup ${(setup.ms / 1000).toFixed(1)} s (ptau 2^${setup.value.ptauPower}), prove median ${median(proveMs).toFixed(0)} ms over ${proveMs.length} real digits, each verified and equal to the TypeScript program`,
);
console.log(
  `  circomlib-ml: prove median ${median(theirsMs).toFixed(0)} ms over ${theirsMs.length}; ours proves ${(median(theirsMs) / median(proveMs)).toFixed(2)}x as fast (ours also ReLUs, rescales, hashes the input, proves the argmax)`,
);
// snarkjs's curve threads from the in-process circomlib-ml proofs keep the process alive.
process.exit(0);
