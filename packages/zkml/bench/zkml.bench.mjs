// @mt/zkml benchmark: the 784→32→10 digits MLP trained on real MNIST.
//   pnpm --filter @mt/zkml bench            (needs a 2^14 development ptau, made once per machine)
// Prints constraints per multiply-accumulate against a one-constraint-per-
// multiplication circuit, Groth16 prove and verify times, PLONK beside
// Groth16 on a small model, and a fuzz run of random mutations.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportMlpToOnnx } from '@mt/testing';
import {
  CircuitCompiler,
  decodeOnnxGraph,
  ProofGenerator,
  ProofVerifier,
  setupCircuit,
} from '../dist/index.js';
import { median, time } from './bench-helpers.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): the constraint
// counts and the small model's Groth16 proofs only; the digits proofs, the
// fuzz run and PLONK need setups over 2^13 and more, which take minutes.
const QUICK = process.env.BENCH_QUICK === '1';
const FUZZ = Number(process.env.BENCH_FUZZ ?? 1000);
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-bench-'));
const quiet = () => {};

// 1. The model.
const onnxPath = join(work, 'digits.onnx');
execFileSync(
  process.execPath,
  [new URL('../scripts/train-digits.mjs', import.meta.url).pathname, onnxPath],
  {
    stdio: 'inherit',
  },
);
const graph = decodeOnnxGraph(await readFile(onnxPath));
const denseWeights = graph.nodes
  .filter((n) => n.op === 'Gemm' || n.op === 'MatMul')
  .map((n) => graph.constants.get(n.inputs[1]).dims);
// Gemm stores [out, in] (transB), MatMul [in, out]: either way a MAC per weight.
const macs = denseWeights.reduce((n, [a, b]) => n + a * b, 0);
const digits = createRequire(import.meta.url)('mnist');
const samples = Array.from({ length: 10 }, (_, d) => digits[d].get(digits[d].length - 1));

// 2. Constraints: ours (constant weights: a MAC is linear, so free) against a
// straightforward circuit where every multiplication is its own constraint
// (weights as signals), with the same ShiftReLU, so only the MACs differ.
// Ours also range-checks and hashes the 784 inputs and proves the argmax.
const compiler = new CircuitCompiler({ onProgress: quiet });
const snarkjsCli = createRequire(import.meta.url)
  .resolve('snarkjs')
  .replace(/main\.cjs$/, 'cli.cjs');
const constraints = (r1cs) =>
  Number(
    /# of Constraints: (\d+)/.exec(
      execFileSync(process.execPath, [snarkjsCli, 'r1cs', 'info', r1cs]).toString(),
    )?.[1],
  );
const compileOurs = await time(() =>
  compiler.compileModel(onnxPath, join(work, 'digits'), { inputBits: 10 }),
);
const digitsCircuit = compileOurs.value;
const ours = constraints(digitsCircuit.build('O2').r1cs);

const [hidden, out] = [Math.min(...denseWeights[0]), Math.min(...denseWeights[1])];
const reluBits = /ShiftReLU\((\d+), 8\)/.exec(
  await readFile(digitsCircuit.file('circuit.circom'), 'utf8'),
)[1];
const naive = `pragma circom 2.1.0;
include "fixed_point.circom";
template Naive() {
  signal input x[784]; signal input w1[${hidden}][784]; signal input b1[${hidden}];
  signal input w2[${out}][${hidden}]; signal input b2[${out}];
  signal output y[${out}];
  signal p1[${hidden}][784]; signal p2[${out}][${hidden}];
  component relu[${hidden}];
  for (var o = 0; o < ${hidden}; o++) {
    var acc = b1[o];
    for (var i = 0; i < 784; i++) { p1[o][i] <== w1[o][i] * x[i]; acc += p1[o][i]; }
    relu[o] = ShiftReLU(${reluBits}, 8); relu[o].in <== acc;
  }
  for (var o = 0; o < ${out}; o++) {
    var acc = b2[o];
    for (var i = 0; i < ${hidden}; i++) { p2[o][i] <== w2[o][i] * relu[i].out; acc += p2[o][i]; }
    y[o] <== acc;
  }
}
component main = Naive();
`;
await writeFile(join(work, 'naive.circom'), naive);
const naiveBuild = await compiler.compileFile(join(work, 'naive.circom'), join(work, 'naive'));
const naiveCount = constraints(naiveBuild.r1cs);
console.log(
  `\nconstraints: ours ${ours} (${(ours / macs).toFixed(3)} per MAC over ${macs} MACs, compile ${(compileOurs.ms / 1000).toFixed(1)} s)`,
);
console.log(
  `             one-constraint-per-multiplication circuit ${naiveCount} (${(naiveCount / macs).toFixed(3)} per MAC)`,
);
console.log(
  `             ratio ours/naive ${(ours / naiveCount).toFixed(3)}  (${(naiveCount / ours).toFixed(2)}x fewer)`,
);

// 3. Groth16 on the digits model.
async function digitsProofs() {
  const setup = await time(() =>
    setupCircuit(digitsCircuit, { system: 'groth16', onProgress: quiet }),
  );
  const generator = await ProofGenerator.load(digitsCircuit.dir);
  const verifier = await ProofVerifier.load(digitsCircuit.dir);
  const cold = await time(() => generator.generateProof(samples[0]));
  const proveMs = [];
  let proof = cold.value;
  for (const x of samples.slice(1, 8)) {
    const r = await time(() => generator.generateProof(x));
    proveMs.push(r.ms);
    proof = r.value;
  }
  const verifyMs = [];
  for (let i = 0; i < 10; i += 1) {
    const r = await time(() => verifier.verify(proof, { input: samples[7] }));
    if (!r.value) throw new Error('a valid proof did not verify');
    verifyMs.push(r.ms);
  }
  console.log(
    `\nGroth16 digits (ptau 2^${setup.value.ptauPower}): setup ${(setup.ms / 1000).toFixed(1)} s; prove first ${cold.ms.toFixed(0)} ms, median ${median(proveMs).toFixed(0)} ms over ${proveMs.length} (goal <= 2000 ms)`,
  );
  console.log(
    `  verify (worker, incl. input hash) median ${median(verifyMs).toFixed(1)} ms; proof ${JSON.stringify(proof.proof).length} B JSON`,
  );
  console.log(`  predicted digits ${samples.slice(1, 8).length} proofs, last: ${proof.predicted}`);
  return { generator, verifier, proof };
}
const digitsRun = QUICK ? undefined : await digitsProofs();

// 4. PLONK beside Groth16 (a 64→16→10 model: PLONK on the digits model needs a 2^17 ptau and a multi-GiB key).
const smallOnnx = exportMlpToOnnx({
  inputSize: 64,
  outputSize: 10,
  layers: [
    {
      kind: 'dense',
      weights: Array.from({ length: 16 }, (_, o) =>
        Array.from({ length: 64 }, (_, i) => Math.sin(o * 64 + i) / 4),
      ),
      bias: Array(16).fill(0.1),
    },
    { kind: 'relu' },
    {
      kind: 'dense',
      weights: Array.from({ length: 10 }, (_, o) =>
        Array.from({ length: 16 }, (_, i) => Math.cos(o * 16 + i) / 2),
      ),
      bias: Array(10).fill(0),
    },
  ],
});
const smallInput = Array.from({ length: 64 }, (_, i) => (i % 7) / 7);
const systems = {};
// PLONK's setup over 2^13 takes minutes, so the quick mode leaves it out.
for (const system of QUICK ? ['groth16'] : ['groth16', 'plonk']) {
  const circuit = await compiler.compileModel(smallOnnx, join(work, `small-${system}`));
  const s = await time(() => setupCircuit(circuit, { system, onProgress: quiet }));
  const gen = await ProofGenerator.load(circuit.dir);
  const ver = await ProofVerifier.load(circuit.dir);
  await gen.generateProof(smallInput);
  const ms = [];
  let p;
  for (let i = 0; i < 3; i += 1) {
    const r = await time(() => gen.generateProof(smallInput));
    ms.push(r.ms);
    p = r.value;
  }
  await ver.verify(p, { input: smallInput }); // starts the worker
  const v = await time(() => ver.verify(p, { input: smallInput }));
  systems[system] = {
    setup: s.ms,
    prove: median(ms),
    verify: v.ms,
    size: JSON.stringify(p.proof).length,
  };
  await gen.close();
  await ver.close();
}
console.log('\n64→16→10 model, same run:');
for (const [system, r] of Object.entries(systems)) {
  console.log(
    `  ${system.padEnd(8)} setup ${(r.setup / 1000).toFixed(1)} s, prove median ${r.prove.toFixed(0)} ms, verify ${r.verify.toFixed(0)} ms, proof ${r.size} B JSON`,
  );
}
if (systems.plonk)
  console.log(
    `  PLONK/Groth16 prove time ratio ${(systems.plonk.prove / systems.groth16.prove).toFixed(1)}`,
  );

// 5. Fuzz: random mutations of a valid digits proof; none may verify.
if (!digitsRun) {
  console.log('\nquick mode: no digits proofs and no fuzz run (their setups take minutes)');
  process.exit(0);
}
const { generator, verifier, proof } = digitsRun;
let seed = 12345;
const rand = (n) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const tweak = (v) => {
  const choice = rand(4);
  const n = BigInt(v);
  if (choice === 0) return String((n + 1n) % FIELD);
  if (choice === 1) return String((n + FIELD - 1n) % FIELD);
  if (choice === 2) return String((BigInt(rand(2 ** 30)) * BigInt(rand(2 ** 30))) % FIELD);
  return String((n * 2n) % FIELD);
};
let accepted = 0;
let reachedPairing = 0;
const fuzzStarted = performance.now();
for (let i = 0; i < FUZZ; i += 1) {
  const m = structuredClone(proof);
  delete m.outputs;
  const target = rand(3);
  if (target === 0) {
    const idx = rand(m.publicSignals.length);
    m.publicSignals[idx] = tweak(m.publicSignals[idx]);
  } else {
    const key = ['pi_a', 'pi_b', 'pi_c'][rand(3)];
    if (key === 'pi_b') {
      const row = rand(2);
      const col = rand(2);
      m.proof.pi_b[row][col] = tweak(m.proof.pi_b[row][col]);
    } else m.proof[key][rand(2)] = tweak(m.proof[key][rand(2)]);
  }
  const verdict = await verifier.check(m);
  if (verdict.valid) accepted += 1;
  else if (
    verdict.reason === 'the proof does not verify' ||
    !/commitment|input|outputs|key/.test(verdict.reason)
  )
    reachedPairing += 1;
}
console.log(
  `\nfuzz: ${FUZZ} random mutations (public signals and proof points), ${accepted} accepted, ${reachedPairing} rejected by the pairing check itself, ${((performance.now() - fuzzStarted) / 1000).toFixed(1)} s`,
);
await generator.close();
await verifier.close();
if (accepted > 0) process.exit(1);
