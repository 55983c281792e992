// Processors benchmarks, each against a baseline measured in the same run:
//   1. dynamic batching vs one item per call, on a kernel with a fixed per-call cost;
//   2. ParallelProcessor with 2 workers vs 1, on CPU-bound tasks;
//   3. TaskQueue overhead per task vs p-queue.
//   pnpm --filter @mt/processors bench
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import PQueue from 'p-queue';
import { BatchProcessor, ParallelProcessor, TaskQueue } from '../dist/index.js';

// BENCH_QUICK=1 (CI's check that the command still runs): small sizes, one run each.
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = QUICK ? 1 : 3;
const ITEMS = QUICK ? 200 : 2_000;

const best = async (runs, fn) => {
  await fn(); // warm-up
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return Math.min(...times);
};

// 1. A dense layer as a model server runs it: every call pays a fixed cost
// (here: re-laying-out a 192×192 weight matrix, as a runtime does when it binds
// inputs), then a matrix-vector product per item.
const DIM = 192;
const weights = new Float64Array(DIM * DIM).map((_, i) => Math.sin(i));
function denseLayer(batch) {
  const transposed = new Float64Array(DIM * DIM);
  for (let r = 0; r < DIM; r += 1)
    for (let c = 0; c < DIM; c += 1) transposed[c * DIM + r] = weights[r * DIM + c];
  for (let pass = 1; pass < 6; pass += 1)
    for (let i = 0; i < transposed.length; i += 1) transposed[i] *= 1 + 1e-9 * pass;
  return batch.map((input) => {
    let total = 0;
    for (let r = 0; r < DIM; r += 1) {
      let acc = 0;
      for (let c = 0; c < DIM; c += 1) acc += transposed[r * DIM + c] * input[c];
      total += Math.max(0, acc);
    }
    return total;
  });
}
const inputs = Array.from({ length: ITEMS }, (_, k) =>
  new Float64Array(DIM).map((_, i) => Math.cos(i + k)),
);
const oneAtATime = await best(RUNS, async () => {
  for (const input of inputs) denseLayer([input]);
});
console.log(
  `1. Dynamic batching: ${ITEMS} items through a ${DIM}×${DIM} dense layer with a fixed per-call cost`,
);
console.log(
  `   one item per call (baseline)   ${(ITEMS / (oneAtATime / 1000)).toFixed(0).padStart(7)} items/s`,
);
for (const maxBatchSize of [8, 32]) {
  const time = await best(RUNS, async () => {
    const processor = new BatchProcessor(async (batch) => denseLayer(batch), { maxBatchSize });
    await Promise.all(inputs.map((input) => processor.process(input)));
  });
  console.log(
    `   BatchProcessor, max ${String(maxBatchSize).padStart(2)}         ${(ITEMS / (time / 1000)).toFixed(0).padStart(7)} items/s  (${(oneAtATime / time).toFixed(2)}x)`,
  );
}

// 2. Worker threads on CPU-bound work.
const worker = new URL('./cpu-worker.mjs', import.meta.url);
const tasks = Array.from({ length: QUICK ? 4 : 48 }, () => ({
  iterations: QUICK ? 100_000 : 1_500_000,
}));
const poolTime = async (threads) => {
  const pool = new ParallelProcessor({ filename: worker, maxThreads: threads });
  try {
    return await best(RUNS, async () => {
      await Promise.all(tasks.map((task) => pool.run(task)));
    });
  } finally {
    await pool.close();
  }
};
const one = await poolTime(1);
const two = await poolTime(2);
console.log(
  `\n2. ParallelProcessor: ${tasks.length} CPU-bound tasks (${availableParallelism()} cores)`,
);
console.log(`   1 worker (baseline)  ${one.toFixed(0).padStart(6)} ms`);
console.log(
  `   2 workers            ${two.toFixed(0).padStart(6)} ms  (${(one / two).toFixed(2)}x)`,
);

// 3. Queue overhead: trivial async tasks through each queue.
const N = QUICK ? 5_000 : 100_000;
const noop = async () => 1;
const pq = await best(RUNS, async () => {
  const queue = new PQueue({ concurrency: 4 });
  await Promise.all(Array.from({ length: N }, () => queue.add(noop)));
});
const tq = await best(RUNS, async () => {
  const queue = new TaskQueue({ concurrency: 4, maxSize: N });
  await Promise.all(Array.from({ length: N }, () => queue.add(noop)));
});
console.log(`\n3. Queue overhead: ${N} no-op tasks, concurrency 4`);
console.log(`   p-queue (baseline)   ${((pq * 1000) / N).toFixed(2)} µs/task`);
console.log(
  `   TaskQueue            ${((tq * 1000) / N).toFixed(2)} µs/task  (${(tq / pq).toFixed(2)}x the time: priorities, aging, deadlines, stats)`,
);
