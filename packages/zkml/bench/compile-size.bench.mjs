// @mt/zkml benchmark: what compiling costs as a model grows. A family of
// MLPs (784 → h → ReLU → 10, public mode, scale 2^8, 10-bit inputs) whose
// multiply-accumulates and steps both grow with h: for each, the lowering
// time, the compiler's constraint estimate, circom2's wall time and peak
// memory (its own process's, WebAssembly heap included), and the R1CS
// constraints per MAC; then a least-squares line through compile time and
// peak memory against MACs, with its R², in the same run. Then LeNet-5,
// just past what circom2 writes a witness generator for: circom2 given its
// whole source fails, and the compiler gives it a split witness (full mode
// only), as it does the widest MLP under what circom2 compiles even as R1CS
// alone (784 → 950, full mode only). Last, a 784 → 1000 MLP past that,
// which the compiler refuses before circom2 starts.
//   pnpm --filter @mt/zkml bench:compile     (BENCH_QUICK=1: two small widths, the refusal)
// No figure is printed if an estimate falls below the compiled count, if
// LeNet-5 is not split, or if the wide MLP is not refused.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, seededNormal } from '@mt/testing';
import {
  CIRCOM2_MAX_R1CS_TERMS,
  CIRCOM2_MAX_TERMS,
  CircuitCompiler,
  CircuitTooLargeError,
  decodeOnnxGraph,
  lowerGraph,
} from '../dist/index.js';
import { estimateConstraints, linearTerms, writeCircuitFolder } from '../dist/internal.js';
import { constraints, fail, time } from './bench-helpers.mjs';
import { LENET_MACS, lenet5 } from './bench-models.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const widths = QUICK ? [16, 32] : [64, 128, 256, 384, 512];

function mlp(h) {
  const g = new GraphBuilder();
  const normal = seededNormal(h);
  const w = (dims) =>
    g.f32(
      dims,
      Float32Array.from({ length: dims[0] * dims[1] }, () => normal(Math.sqrt(2 / dims[0]))),
    );
  const x = g.input('x', FLOAT, [1, 784]);
  const hidden = g.op('Relu', [g.op('MatMul', [x, w([784, h])])]);
  g.output('y', g.op('MatMul', [hidden, w([h, 10])]), FLOAT, [1, 10]);
  return g.encode(`mlp-${h}`);
}

const work = await mkdtemp(join(tmpdir(), 'mt-zkml-compile-size-'));
const rows = [];
let past;
let tooLarge;
let edge;
try {
  for (const h of widths) {
    const bytes = mlp(h);
    const options = { inputBits: 10 };
    const lowered = await time(() => lowerGraph(decodeOnnxGraph(bytes), options));
    const compiler = new CircuitCompiler();
    const circuit = await compiler.compileModel(bytes, join(work, `mlp-${h}`), {
      ...options,
      optimizations: [],
    });
    const build = await compiler.ensureBuild(circuit, 'O2');
    if (build.peakMemoryBytes === undefined) fail('circom2 reported no peak memory');
    const compiled = constraints(build.r1cs);
    const estimate = estimateConstraints(lowered.value);
    if (estimate < compiled) fail(`width ${h}: the estimate ${estimate} is below ${compiled}`);
    rows.push({
      h,
      terms: linearTerms(lowered.value),
      macs: 784 * h + h * 10,
      steps: lowered.value.steps.length,
      lowerMs: lowered.ms,
      estimate,
      compiled,
      compileMs: build.compileMs,
      peak: build.peakMemoryBytes,
    });
  }
  // LeNet-5, past circom2's witness generator: compiled with a split witness
  // (full mode), after circom2 given its whole source has failed.
  const lenet = lenet5();
  const lenetProgram = lowerGraph(decodeOnnxGraph(lenet), { inputBits: 10 });
  past = { program: lenetProgram, terms: linearTerms(lenetProgram) };
  if (past.terms <= CIRCOM2_MAX_TERMS) fail('LeNet-5 is no longer past CIRCOM2_MAX_TERMS');
  if (!QUICK) {
    const dir = join(work, 'lenet-whole');
    await mkdir(dir, { recursive: true });
    await writeCircuitFolder(dir, lenetProgram, 'bench');
    past.whole = await time(() =>
      new CircuitCompiler().compileFile(join(dir, 'circuit.circom'), join(dir, 'O2')).then(
        () => 'compiled',
        (error) =>
          /memory allocation of \d+ bytes failed|RangeError[^\n]*/.exec(error.message)?.[0] ??
          error.message.slice(0, 200),
      ),
    );
    const compiler = new CircuitCompiler();
    const circuit = await compiler.compileModel(lenet, join(work, 'lenet'), {
      inputBits: 10,
      optimizations: [],
    });
    if (!circuit.metadata.splitWitness) fail('LeNet-5 was not given a split witness');
    past.split = await compiler.ensureBuild(circuit, 'O2');
    past.compiled = constraints(past.split.r1cs);
    // The widest MLP under CIRCOM2_MAX_R1CS_TERMS: what the limit leaves of circom2's heap.
    const wide = mlp(950);
    edge = { terms: linearTerms(lowerGraph(decodeOnnxGraph(wide), { inputBits: 10 })) };
    if (edge.terms > CIRCOM2_MAX_R1CS_TERMS) fail('the 784 → 950 MLP is past the limit');
    const widest = await compiler.compileModel(wide, join(work, 'mlp-950'), {
      inputBits: 10,
      optimizations: [],
    });
    edge.build = await compiler.ensureBuild(widest, 'O2');
  }
  // Past what circom2 compiles even as R1CS alone: refused before it starts.
  const tooWide = mlp(1000);
  const refusal = await time(() =>
    new CircuitCompiler().compileModel(tooWide, join(work, 'too-wide'), { inputBits: 10 }).then(
      () => fail('the 784 → 1000 MLP was not refused'),
      (error) => error,
    ),
  );
  if (!CircuitTooLargeError.isInstance(refusal.value)) fail(`784 → 1000: ${refusal.value}`);
  tooLarge = refusal;
} finally {
  await rm(work, { recursive: true, force: true });
}

/** Least squares y = a + b·x, and R². */
function line(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i] - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  });
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

const MiB = 2 ** 20;
console.log('MLPs 784 → h → ReLU → 10, public mode, circom2 --O2, one compile each (same run):\n');
console.log(
  '| h | MACs | linear terms | steps | lowering | constraints (estimate) | R1CS constraints | per MAC | circom2 | peak memory |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
);
for (const r of rows)
  console.log(
    `| ${r.h} | ${r.macs} | ${r.terms} | ${r.steps} | ${r.lowerMs.toFixed(0)} ms | ${r.estimate} | ${r.compiled} | ${(r.compiled / r.macs).toFixed(3)} | ${(r.compileMs / 1000).toFixed(1)} s | ${(r.peak / MiB).toFixed(0)} MiB |`,
  );
const macs = rows.map((r) => r.macs);
const t = line(
  macs,
  rows.map((r) => r.compileMs),
);
const m = line(
  macs,
  rows.map((r) => r.peak),
);
console.log(
  `\nCompile time = ${(t.a / 1000).toFixed(1)} s + ${((t.b * 1e6) / 1000).toFixed(1)} ms per 1,000 MACs (R² ${t.r2.toFixed(3)}).`,
);
console.log(
  `Peak memory = ${(m.a / MiB).toFixed(0)} MiB + ${((m.b * 1000) / MiB).toFixed(2)} MiB per 1,000 MACs (R² ${m.r2.toFixed(3)}).`,
);

console.log(
  `\nLeNet-5 (${LENET_MACS} MACs): ${past.program.steps.length} steps, about ${estimateConstraints(past.program)} constraints, ${past.terms} linear terms, past circom2's witness generator (${CIRCOM2_MAX_TERMS} terms).`,
);
if (past.whole)
  console.log(
    `  Its whole source: circom2 ran ${(past.whole.ms / 1000).toFixed(1)} s and ${past.whole.value === 'compiled' ? 'compiled it: the limit is too low' : `failed: "${past.whole.value}"`}.`,
  );
if (past.split)
  console.log(
    `  With a split witness (the R1CS alone, then the witness circuit at O0): ${past.compiled} constraints in ${(past.split.compileMs / 1000).toFixed(1)} s, peak ${(past.split.peakMemoryBytes / MiB).toFixed(0)} MiB.`,
  );
if (edge)
  console.log(
    `784 → 950 → 10 MLP, the widest under the limit: ${edge.terms} linear terms, split witness, compiled in ${(edge.build.compileMs / 1000).toFixed(1)} s, peak ${(edge.build.peakMemoryBytes / MiB).toFixed(0)} MiB of circom2's 4,096.`,
  );
console.log(
  `784 → 1000 → 10 MLP: ${tooLarge.value.terms} linear terms, past the ${tooLarge.value.maxTerms} circom2 compiles even as R1CS alone; refused in ${tooLarge.ms.toFixed(0)} ms (${tooLarge.value.code}), before circom2 started.`,
);
