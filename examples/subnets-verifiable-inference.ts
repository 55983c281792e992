// @mt/subnets/verifiable-inference with @mt/zkml: a miner proves its answer,
// the validator checks the proof against its own task's input.
//   npm install @mt/subnets @mt/zkml     (run beside mlp.onnx)
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultOf } from '@mt/protocol';
import {
  VerifiableInferenceMiner,
  VerifiableInferenceValidator,
} from '@mt/subnets/verifiable-inference';
import { CircuitCompiler, setupCircuit } from '@mt/zkml';

const circuitDir = join(mkdtempSync(join(tmpdir(), 'mt-verifiable-smoke-')), 'mlp');
const circuit = await new CircuitCompiler({ onProgress: () => {} }).compileModel(
  'mlp.onnx',
  circuitDir,
  { mode: 'public', inputBits: 10 },
);
await setupCircuit(circuit, { system: 'groth16' });
const miner = await VerifiableInferenceMiner.create({ circuitDir });
const validator = await VerifiableInferenceValidator.create({ circuitDir });
try {
  const task = await validator.createTask({
    minerUid: 1,
    difficulty: 0.5,
    netuid: 2,
    round: 0,
  });
  const solution = await miner.solveTask(task, {
    signal: new AbortController().signal,
    deadline: Date.now() + (task.timeoutMs ?? 30_000),
  });
  const result = resultOf(task, solution, { completedAt: Date.now(), executionTimeMs: 1 });
  const verdict = await validator.verifyProof(task, result);
  assert.ok(verdict.valid, JSON.stringify(verdict));
  console.log(`proof verified for the validator's own input`);
} finally {
  await Promise.all([miner.close(), validator.close()]);
}
