// Helpers the @mt/zkml benchmarks share: timing, constraint counts, and the
// check against onnxruntime that stops a run before it prints figures.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { runOnnxModel, seededNormal } from '@mt/testing';
import { evaluateProgram, quantizeInput } from '../dist/index.js';

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
