// @mt/subnets text generation throughput on the generated tiny GPT-2 (real 50,257-token vocabulary).
//   pnpm --filter @mt/subnets bench
// Tokens per second through TextModels (worker thread + BatchProcessor) at
// batch 1, 4 and 16 against one request at a time, and against a hand-written
// onnxruntime greedy loop with a KV cache on the same model (the limit).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { makeModels } from '@mt/testing';
import * as ort from 'onnxruntime-node';
import { TextModels } from '../dist/text-generation.js';

// BENCH_QUICK=1 (CI's check that the command still runs): a few short requests, one run.
const QUICK = process.env.BENCH_QUICK === '1';
const NEW_TOKENS = Number(process.env.BENCH_NEW_TOKENS ?? (QUICK ? 4 : 32));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? (QUICK ? 8 : 96));
const REPEATS = Number(process.env.BENCH_REPEATS ?? (QUICK ? 1 : 3));
const { generator } = await makeModels(await mkdtemp(join(tmpdir(), 'mt-subnets-bench-')));
const topics = [
  'validators',
  'zero-knowledge proofs',
  'the weather',
  'chess',
  'bees',
  'printing',
  'energy',
  'the sky',
];
const prompts = Array.from(
  { length: REQUESTS },
  (_, i) => `Tell me something about ${topics[i % topics.length]}, number ${i}:`,
);

async function throughput(label, run) {
  await run(prompts.slice(0, 4)); // warm-up
  const rates = [];
  let tokens = 0;
  for (let i = 0; i < REPEATS; i += 1) {
    const started = performance.now();
    const rows = await run(prompts);
    const seconds = (performance.now() - started) / 1000;
    tokens = rows.reduce((n, r) => n + r.completionTokens, 0);
    rates.push(tokens / seconds);
  }
  const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
  console.log(
    `  ${label.padEnd(48)} ${median.toFixed(0).padStart(6)} tok/s  (median of ${REPEATS}, ${tokens} tokens each)`,
  );
  return median;
}

console.log(
  `tiny GPT-2 (2 layers, 64 wide, vocab 50,257), ${REQUESTS} prompts, ${NEW_TOKENS} new tokens each, greedy, 1 intra-op thread\n`,
);
const results = {};
const oneAtATime = new TextModels({ generator, batch: { maxBatchSize: 1 } });
await oneAtATime.load();
results.sequential = await throughput('one at a time (await each request)', async (list) => {
  const rows = [];
  for (const prompt of list)
    rows.push(await oneAtATime.generate({ prompt, maxNewTokens: NEW_TOKENS }));
  return rows;
});
await oneAtATime.close();
for (const size of [1, 4, 16]) {
  const models = new TextModels({ generator, batch: { maxBatchSize: size, maxDelayMs: 5 } });
  await models.load();
  results[size] = await throughput(`BatchProcessor, batch ${size} (concurrent requests)`, (list) =>
    Promise.all(list.map((prompt) => models.generate({ prompt, maxNewTokens: NEW_TOKENS }))),
  );
  await models.close();
}

// The limit: a hand-written greedy loop over the same ONNX file, batch 16, no Transformers.js.
const tokenizer = await AutoTokenizer.from_pretrained(generator);
tokenizer.padding_side = 'left';
const session = await ort.InferenceSession.create(join(generator, 'onnx', 'model.onnx'), {
  intraOpNumThreads: 1,
});
const EOS = 50256n;
const LAYERS = 2;
const HEADS = 4;
const HEAD_DIM = 16;
async function handLoop(list) {
  const rows = [];
  for (let start = 0; start < list.length; start += 16) {
    const batch = list.slice(start, start + 16);
    const encoded = tokenizer(batch, { padding: true });
    const b = batch.length;
    const width = encoded.input_ids.dims[1];
    const promptMask = encoded.attention_mask.data;
    let mask = BigInt64Array.from(promptMask);
    let total = width;
    const positions = new BigInt64Array(b * width);
    const next = [];
    for (let r = 0; r < b; r += 1) {
      let seen = 0n;
      for (let c = 0; c < width; c += 1) {
        const real = promptMask[r * width + c] === 1n;
        positions[r * width + c] = real ? seen : 1n;
        if (real) seen += 1n;
      }
      next.push(seen);
    }
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(encoded.input_ids.data), [b, width]),
      position_ids: new ort.Tensor('int64', positions, [b, width]),
      num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(1n), []),
    };
    for (let l = 0; l < LAYERS; l += 1) {
      feeds[`past_key_values.${l}.key`] = new ort.Tensor('float32', new Float32Array(0), [
        b,
        HEADS,
        0,
        HEAD_DIM,
      ]);
      feeds[`past_key_values.${l}.value`] = new ort.Tensor('float32', new Float32Array(0), [
        b,
        HEADS,
        0,
        HEAD_DIM,
      ]);
    }
    const done = new Array(b).fill(false);
    const counts = new Array(b).fill(0);
    for (let step = 0; step < NEW_TOKENS; step += 1) {
      feeds.attention_mask = new ort.Tensor('int64', mask, [b, total]);
      const out = await session.run(feeds);
      const logits = out.logits.data;
      const vocab = out.logits.dims[2];
      const chosen = new BigInt64Array(b);
      for (let r = 0; r < b; r += 1) {
        const offset = r * vocab;
        let best = 0;
        let bestValue = logits[offset];
        for (let v = 1; v < vocab; v += 1) {
          const value = logits[offset + v];
          if (value > bestValue) {
            bestValue = value;
            best = v;
          }
        }
        chosen[r] = BigInt(best);
        if (!done[r]) {
          if (chosen[r] === EOS) done[r] = true;
          else counts[r] += 1;
        }
      }
      if (done.every(Boolean)) break;
      for (let l = 0; l < LAYERS; l += 1) {
        feeds[`past_key_values.${l}.key`] = out[`present.${l}.key`];
        feeds[`past_key_values.${l}.value`] = out[`present.${l}.value`];
      }
      const grown = new BigInt64Array(b * (total + 1));
      for (let r = 0; r < b; r += 1) {
        grown.set(mask.subarray(r * total, (r + 1) * total), r * (total + 1));
        grown[r * (total + 1) + total] = 1n;
      }
      mask = grown;
      total += 1;
      feeds.input_ids = new ort.Tensor('int64', chosen, [b, 1]);
      feeds.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from(next.map((p) => p + BigInt(step))),
        [b, 1],
      );
    }
    rows.push(...counts.map((completionTokens) => ({ completionTokens })));
  }
  return rows;
}
results.hand = await throughput('hand-written onnxruntime greedy loop, batch 16', handLoop);

console.log(
  `\nbatch 16 vs one at a time: ${(results[16] / results.sequential).toFixed(2)}x (goal >= 3x)`,
);
console.log(`batch 4 vs one at a time:  ${(results[4] / results.sequential).toFixed(2)}x`);
console.log(
  `batch 16 vs the hand-written loop: ${(results[16] / results.hand).toFixed(2)} (goal >= 0.6)`,
);
console.log(
  `the hand-written loop (the limit) vs one at a time: ${(results.hand / results.sequential).toFixed(2)}x`,
);
