// Helpers the @mt/zkml benchmarks share: timing, constraint counts, and the
// check against onnxruntime that stops a run before it prints figures.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { runOnnxModel, seededNormal } from '@mt/testing';
import * as snarkjs from 'snarkjs';
import {
  developmentPtau,
  evaluateProgram,
  ProofGenerator,
  ProofVerifier,
  quantizeInput,
  setupCircuit,
} from '../dist/index.js';

/** The median of `xs`. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` and returns its value and wall time in ms. */
export const time = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

const snarkjsCli = createRequire(import.meta.url)
  .resolve('snarkjs')
  .replace(/main\.cjs$/, 'cli.cjs');

/** The R1CS constraint count of a compiled circuit, as `snarkjs r1cs info` reports it. */
export const constraints = (r1cs) =>
  Number(
    /# of Constraints: (\d+)/.exec(
      execFileSync(process.execPath, [snarkjsCli, 'r1cs', 'info', r1cs]).toString(),
    )?.[1],
  );

/** Ends the run with `message` before any figure is printed. */
export const fail = (message) => {
  console.error(`benchmark failed, no figures printed: ${message}`);
  process.exit(1);
};

/**
 * Runs a lowered `program` and onnxruntime on `seeds` seeded inputs within
 * [−1.9, 1.9] (inside a 10-bit input range at 2^8) and ends the run if any
 * output lies outside its stated bound; returns the largest bound and the
 * largest error measured.
 */
export async function checkAgainstOnnxruntime(name, bytes, graph, program, options) {
  const { seeds, scaleBits, inputBits } = options;
  const [input] = graph.inputs;
  const dims = input.dims;
  const inputSize = dims.reduce((a, b) => a * b, 1);
  let stated = 0;
  let measured = 0;
  for (let seed = 1; seed <= seeds; seed += 1) {
    const normal = seededNormal(seed);
    const data = Array.from({ length: inputSize }, () =>
      Math.max(-1.9, Math.min(1.9, normal(0.8))),
    );
    const quantized = quantizeInput({ inputSize, scaleBits, inputBits }, data);
    const result = evaluateProgram(program, quantized, 2 ** -(scaleBits + 1));
    const ort = await runOnnxModel(bytes, { [input.name]: { dims, data } });
    const reference = graph.outputs.flatMap((o) => ort[o.name]?.data ?? []);
    if (reference.length !== result.outputs.length) fail(`${name}: output count differs`);
    result.outputs.forEach((v, i) => {
      const error = Math.abs(v - (reference[i] ?? Number.NaN));
      const bound = result.errorBound[i] ?? 0;
      if (!(error <= bound + 1e-4))
        fail(`${name}: output ${i} is ${error} from onnxruntime, beyond its bound ${bound}`);
      stated = Math.max(stated, bound);
      measured = Math.max(measured, error);
    });
  }
  return { stated, measured };
}

const quiet = () => {};

/**
 * Sets up `circuit` (Groth16) and proves `inputs` with our worker-pool
 * prover: the first proof warms the worker and is not timed; each timed
 * proof must verify and give the TypeScript program's outputs.
 */
export async function proveOurs(name, circuit, program, inputs) {
  const setup = await time(() => setupCircuit(circuit, { system: 'groth16', onProgress: quiet }));
  const generator = await ProofGenerator.load(circuit.dir);
  const verifier = await ProofVerifier.load(circuit.dir);
  try {
    await generator.generateProof(inputs[0]);
    const proveMs = [];
    for (const input of inputs.slice(1)) {
      const r = await time(() => generator.generateProof(input));
      const expected = evaluateProgram(program, circuit.quantizeInput(input), 2 ** -9).outputs;
      if (JSON.stringify(r.value.outputs) !== JSON.stringify(expected))
        fail(`${name}: the circuit disagrees with the program`);
      if (!(await verifier.verify(r.value, { input }))) fail(`${name}: a proof did not verify`);
      proveMs.push(r.ms);
    }
    return { setup, proveMs };
  } finally {
    await generator.close();
    await verifier.close();
  }
}

/**
 * Sets up a circomlib-ml build (Groth16, a development ptau of its size)
 * and proves `input` `runs` times in-process with snarkjs's `fullProve`;
 * each proof must verify.
 */
export async function proveTheirs(name, build, publicSignals, input, work, runs = 3) {
  const power = Math.ceil(Math.log2(constraints(build.r1cs) + publicSignals + 1));
  const ptau = await developmentPtau(Math.max(power, 12), quiet);
  const zkey = join(work, `${name}.zkey`);
  await snarkjs.zKey.newZKey(build.r1cs, ptau, zkey);
  const vk = await snarkjs.zKey.exportVerificationKey(zkey);
  const ms = [];
  for (let i = 0; i < runs; i += 1) {
    const r = await time(() => snarkjs.groth16.fullProve(input, build.wasm, zkey));
    if (!(await snarkjs.groth16.verify(vk, r.value.publicSignals, r.value.proof)))
      fail(`${name}: a circomlib-ml proof did not verify`);
    ms.push(r.ms);
  }
  return ms;
}

/** `n` small seeded integers as strings: circomlib-ml's weights, which are signals. */
export function smallIntegers(n, seed) {
  const normal = seededNormal(seed);
  return Array.from({ length: n }, () => String(Math.round(normal(8))));
}

/** A flat array as nested arrays of `dims`, the layout circom's array inputs take. */
export function nest(flat, dims) {
  if (dims.length === 1) return flat;
  const inner = dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0] }, (_, i) =>
    nest(flat.slice(i * inner, (i + 1) * inner), dims.slice(1)),
  );
}
