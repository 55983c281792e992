// @mt/subnets/text-generation with its stack: a miner generating with a local
// GPT-2-architecture model, cut at its signed deadline's signal.
//   ONNXRUNTIME_NODE_INSTALL=skip npm install @mt/subnets @huggingface/transformers onnxruntime-node
//   (run beside tiny-gpt2/: any Transformers.js causal-LM folder)
import assert from 'node:assert/strict';
import { newTask } from '@mt/protocol';
import { TextGenerationMiner } from '@mt/subnets/text-generation';

const miner = await TextGenerationMiner.create({ generator: 'tiny-gpt2' });
try {
  const task = newTask(
    { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0 },
    { taskData: { prompt: 'Hello, my name is', maxNewTokens: 8 }, timeoutMs: 30_000 },
  );
  const solution = await miner.solveTask(task, {
    signal: new AbortController().signal,
    deadline: Date.now() + 30_000,
  });
  assert.equal(typeof solution.resultData.text, 'string');
  console.log(`generated ${JSON.stringify(solution.resultData.text).slice(0, 40)}`);
} finally {
  await miner.close();
}
