// @mt/zkml benchmark: a nanoGPT-shaped transformer (@mt/testing's nanoGptOnnx:
// token and position embeddings, causal self-attention, LayerNorm, GELU MLP,
// LM head) lowered into a circuit program, one block against two in the same
// run: constrained steps, the compiler's constraint estimate, the estimate
// per multiply-accumulate, lowering time, and the next-token logits against
// onnxruntime's on seeded token sequences. Then the two-block model is
// compiled, set up and proved with Groth16 beside the MNIST CNN of
// bench:cnn, in the same run.
//   pnpm --filter @mt/zkml bench:transformer     (BENCH_QUICK=1: lowers one block, proves nothing)
// Every figure comes from this run; none is printed if an output leaves its
// stated bound, a proof fails to verify, or a proof's outputs differ from
// the TypeScript program's (bench-helpers' proveOurs, as bench:cnn proves).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoGptOnnx, runOnnxModel, seededNormal } from '@mt/testing';
import {
  CircuitCompiler,
  decodeOnnxGraph,
  evaluateProgram,
  lowerGraph,
  quantizeInput,
} from '../dist/index.js';
import { estimateConstraints } from '../dist/internal.js';
import { constraints, fail, median, proveOurs, time } from './bench-helpers.mjs';
import { mnistCnn } from './bench-models.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const options = { scaleBits: 8, inputBits: 14 };
const shape = { vocab: 16, hidden: 8, heads: 2, context: 4 };
/** Multiply-accumulates of one forward pass (the last position's LM head only). */
function macs(blocks) {
  const { vocab, hidden, context } = shape;
  const perBlock =
    context * hidden * 3 * hidden + // q, k, v
    2 * context * context * hidden + // scores, mixing
    context * hidden * hidden + // projection
    2 * context * hidden * 4 * hidden; // MLP
  return blocks * perBlock + hidden * vocab;
}

const rows = [];
for (const blocks of QUICK ? [1] : [1, 2]) {
  const bytes = nanoGptOnnx({ ...shape, blocks });
  const graph = decodeOnnxGraph(bytes);
  const { ms, value: program } = await time(() => lowerGraph(graph, options));
  const estimate = estimateConstraints(program);
  let measured = 0;
  let stated = 0;
  for (let seed = 1; seed <= (QUICK ? 1 : 5); seed += 1) {
    const normal = seededNormal(seed);
    const tokens = Array.from({ length: shape.context }, () =>
      Math.min(shape.vocab - 1, Math.floor(Math.abs(normal(6)))),
    );
    const ort = await runOnnxModel(bytes, { tokens: { dims: [1, shape.context], data: tokens } });
    const result = evaluateProgram(
      program,
      quantizeInput({ inputSize: shape.context, ...options }, tokens),
      0,
    );
    result.outputs.forEach((v, i) => {
      const error = Math.abs(v - (ort.logits?.data[i] ?? Number.NaN));
      const bound = result.errorBound[i] ?? 0;
      if (!(error <= bound + 1e-4))
        fail(`${blocks} block(s): logit ${i} is ${error} off, past its bound ${bound}`);
      measured = Math.max(measured, error);
      stated = Math.max(stated, bound);
    });
  }
  rows.push({
    blocks,
    steps: program.steps.length,
    estimate,
    macs: macs(blocks),
    ms,
    measured,
    stated,
  });
}

console.log(
  `nanoGPT (vocabulary ${shape.vocab}, width ${shape.hidden}, ${shape.heads} heads, ${shape.context} tokens), scale 2^${options.scaleBits}:\n`,
);
console.log(
  '| blocks | constrained steps | constraints (estimate) | per MAC | lowering | largest measured error | largest stated bound |\n|---:|---:|---:|---:|---:|---:|---:|',
);
for (const r of rows)
  console.log(
    `| ${r.blocks} | ${r.steps} | ${r.estimate} | ${(r.estimate / r.macs).toFixed(1)} | ${r.ms.toFixed(0)} ms | ${r.measured.toFixed(4)} | ${r.stated.toFixed(2)} |`,
  );
const [one, two] = rows;
if (one && two)
  console.log(
    `\nTwo blocks cost ${(two.estimate / one.estimate).toFixed(2)}× one block's constraints for ${(two.macs / one.macs).toFixed(2)}× its MACs.`,
  );

if (QUICK) {
  console.log('\nquick mode: one block lowered, nothing proved');
  process.exit(0);
}

// Groth16 proofs of the two-block model beside the MNIST CNN, same run.
const work = await mkdtemp(join(tmpdir(), 'mt-zkml-transformer-'));
async function prove(name, bytes, compileOptions, inputs) {
  const compiled = await time(() =>
    new CircuitCompiler({ onProgress: () => {} }).compileModel(
      bytes,
      join(work, name),
      compileOptions,
    ),
  );
  const program = lowerGraph(decodeOnnxGraph(bytes), compileOptions);
  const { setup, proveMs } = await proveOurs(name, compiled.value, program, inputs);
  return {
    name,
    constraints: constraints(compiled.value.build('O2').r1cs),
    ptau: setup.value.ptauPower,
    compileMs: compiled.ms,
    setupMs: setup.ms,
    proveMs,
  };
}

const normal = seededNormal(9);
const proofs = [
  await prove(
    'MNIST CNN (bench:cnn)',
    mnistCnn(),
    { inputBits: 10 },
    Array.from({ length: 5 }, () => Array.from({ length: 784 }, () => Math.abs(normal(0.4)) % 1)),
  ),
  await prove(
    'nanoGPT, 2 blocks',
    nanoGptOnnx({ ...shape, blocks: 2 }),
    options,
    Array.from({ length: 5 }, (_, s) =>
      Array.from({ length: shape.context }, (_, i) => (5 * s + 3 * i + 1) % shape.vocab),
    ),
  ),
];
await rm(work, { recursive: true, force: true });

console.log('\nGroth16, same run (a first proof of each warms its worker and is not timed):\n');
console.log(
  '| model | R1CS constraints | ptau | compile | setup | prove (median of 4) |\n|---|---:|---:|---:|---:|---:|',
);
for (const p of proofs)
  console.log(
    `| ${p.name} | ${p.constraints} | 2^${p.ptau} | ${(p.compileMs / 1000).toFixed(1)} s | ${(p.setupMs / 1000).toFixed(1)} s | ${median(p.proveMs).toFixed(0)} ms |`,
  );
const [cnn, gpt] = proofs;
console.log(
  `\nThe nanoGPT has ${(gpt.constraints / cnn.constraints).toFixed(2)}× the CNN's constraints and proves in ${(median(gpt.proveMs) / median(cnn.proveMs)).toFixed(2)}× its time.`,
);
