// @mt/zkml benchmark: how lowering time grows with a tree model's size. A
// model file may be large or hostile, so lowering must stay linear in it.
//   pnpm --filter @mt/zkml bench:lowering     (lowering only: no circom)
// Each row's time per node is divided by that of the smallest model of its
// kind, lowered in the same run: near 1 is linear growth. Every program is
// first checked against onnxruntime on 3 seeded inputs; the run prints no
// figures if an output leaves its stated bound. (The chain stops at 10,000:
// onnxruntime 1.x itself crashes, a segmentation fault, on a 20,000-deep
// tree, which `lowerGraph` lowers; see ops.test.ts.)
import { branchChain, handWrittenTree } from '@mt/testing';
import { decodeOnnxGraph, lowerGraph } from '../dist/index.js';
import { checkAgainstOnnxruntime, median, time } from './bench-helpers.mjs';
import { randomForest } from './bench-models.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): the two smallest sizes of each kind.
const QUICK = process.env.BENCH_QUICK === '1';
const sizes = (list) => (QUICK ? list.slice(0, 2) : list);
const scaleBits = 8;
const inputBits = 10;
const kinds = {
  'chain of branches (a hand-written tree, each false child the next branch)': sizes([
    1_250, 2_500, 5_000, 10_000,
  ]).map((depth) => ({
    size: `${depth.toLocaleString('en')} deep`,
    nodes: 2 * depth + 1,
    bytes: handWrittenTree(branchChain(depth)),
  })),
  'random forest, sklearn-onnx (trees of depth 8, 3 classes)': sizes([25, 50, 100]).map(
    (trees) => ({
      size: `${trees} trees`,
      nodes: trees * (2 ** 9 - 1),
      bytes: randomForest(trees, 8),
    }),
  ),
};

const rows = [];
for (const [kind, models] of Object.entries(kinds)) {
  let baseline;
  // Untimed, so that the smallest model's figure is not the JIT's warm-up.
  lowerGraph(decodeOnnxGraph(models[0].bytes), { scaleBits, inputBits });
  for (const { size, nodes, bytes } of models) {
    const graph = decodeOnnxGraph(bytes);
    const runs = [];
    let program;
    for (let i = 0; i < 5; i += 1) {
      // The previous run's garbage is collected first, not billed to this one.
      globalThis.gc?.();
      const { ms, value } = await time(() => lowerGraph(graph, { scaleBits, inputBits }));
      runs.push(ms);
      program = value;
    }
    await checkAgainstOnnxruntime(`${kind}, ${size}`, bytes, graph, program, {
      seeds: 3,
      scaleBits,
      inputBits,
    });
    const ms = median(runs);
    const perNode = ms / nodes;
    baseline ??= perNode;
    rows.push(
      `| ${kind} | ${size} | ${nodes.toLocaleString('en')} | ${program.steps.length.toLocaleString('en')} | ${ms.toFixed(0)} | ${(perNode * 1000).toFixed(2)} | ${(perNode / baseline).toFixed(2)} |`,
    );
  }
}

console.log(
  `Lowering time against a tree model's size (scale 2^${scaleBits}, ${inputBits}-bit inputs; median of 5; each program checked against onnxruntime on 3 seeded inputs):\n`,
);
console.log(
  '| model | size | nodes | constrained steps | lowering ms | µs per node | per node ÷ smallest |\n|---|---|---:|---:|---:|---:|---:|',
);
for (const row of rows) console.log(row);
