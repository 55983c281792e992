// @mt/subnets/verifiable-text with @mt/zkml: a miner generates with a model
// small enough to prove and proves its answer's first token; the validator,
// holding only the circuit's public files, checks it against its own prompt.
//   npm install @mt/subnets @mt/zkml     (run beside nano-gpt.onnx: a nanoGPT over 8 characters)
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultOf } from '@mt/protocol';
import { VerifiableTextMiner, VerifiableTextValidator } from '@mt/subnets/verifiable-text';
import { CircuitCompiler, setupCircuit } from '@mt/zkml';

// The model's tokenizer: token id i is the i-th character.
const vocabulary = ' etaoins';
const work = mkdtempSync(join(tmpdir(), 'mt-verifiable-text-smoke-'));
const circuitDir = join(work, 'miner');
const circuit = await new CircuitCompiler({ onProgress: () => {} }).compileModel(
  'nano-gpt.onnx',
  circuitDir,
  { mode: 'private', scaleBits: 8, inputBits: 14 },
);
await setupCircuit(circuit, { system: 'groth16' });
// A validator needs no weights: the circuit's description and verification key.
const publicDir = join(work, 'validator');
mkdirSync(publicDir);
for (const file of ['circuit.json', 'verification_key.json'])
  copyFileSync(join(circuitDir, file), join(publicDir, file));

const miner = await VerifiableTextMiner.create({ circuitDir, model: 'nano-gpt.onnx', vocabulary });
const validator = await VerifiableTextValidator.create({ circuitDir: publicDir, vocabulary });
try {
  const task = await validator.createTask({ minerUid: 1, difficulty: 0.5, netuid: 3, round: 0 });
  const solution = await miner.solveTask(task, {
    signal: new AbortController().signal,
    deadline: Date.now() + (task.timeoutMs ?? 30_000),
  });
  const result = resultOf(task, solution, { completedAt: Date.now(), executionTimeMs: 1 });
  const verdict = await validator.verifyProof(task, result);
  assert.ok(verdict.valid, JSON.stringify(verdict));
  console.log(`answer ${JSON.stringify(result.resultData.text)}, its first token proven`);
} finally {
  await Promise.all([miner.close(), validator.close()]);
}
