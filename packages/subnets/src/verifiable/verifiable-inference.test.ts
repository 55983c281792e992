import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Result, resultOf, type Task } from '@mt/protocol';
import { exportMlpToOnnx } from '@mt/testing';
import { CircuitCompiler, setupCircuit } from '@mt/zkml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSubnet } from '../test-support/describe-subnet.js';
import { VerifiableInferenceMiner } from './verifiable-inference-miner.js';
import { VerifiableInferenceValidator } from './verifiable-inference-validator.js';

const mlp = {
  inputSize: 6,
  outputSize: 3,
  layers: [
    {
      kind: 'dense' as const,
      weights: Array.from({ length: 5 }, (_, o) =>
        Array.from({ length: 6 }, (_, i) => Math.sin(o * 6 + i)),
      ),
      bias: [0.1, -0.2, 0.3, 0, 0.05],
    },
    { kind: 'relu' as const },
    {
      kind: 'dense' as const,
      weights: Array.from({ length: 3 }, (_, o) =>
        Array.from({ length: 5 }, (_, i) => Math.cos(o * 5 + i)),
      ),
      bias: [0, 0.1, -0.1],
    },
  ],
};
let dir: string;
let miner: VerifiableInferenceMiner;
let validator: VerifiableInferenceValidator;
const context = (minerUid: number) => ({ minerUid, difficulty: 0.5, netuid: 2, round: 0 });
const live = () => ({ signal: new AbortController().signal, deadline: Date.now() + 60_000 });

async function solve(task: Task): Promise<Result> {
  return resultOf(task, await miner.solveTask(task, live()), {
    completedAt: Date.now(),
    executionTimeMs: 1,
  });
}

async function score(task: Task, result: Result) {
  const proof = await validator.verifyProof(task, result);
  return validator.scoreResult(task, result, { latencyMs: 10, timeoutMs: 30_000, proof });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-verifiable-'));
  const circuit = await new CircuitCompiler().compileModel(exportMlpToOnnx(mlp), dir);
  await setupCircuit(circuit);
  miner = await VerifiableInferenceMiner.create({ circuitDir: dir });
  validator = await VerifiableInferenceValidator.create({ circuitDir: dir });
}, 300_000);

afterAll(async () => {
  await miner?.close();
  await validator?.close();
});

describeSubnet('verifiable inference', async () => ({
  miner: await VerifiableInferenceMiner.create({ circuitDir: dir }),
  validator: await VerifiableInferenceValidator.create({ circuitDir: dir }),
  wrongAnswer: (_task, honest) => ({
    ...honest,
    resultData: { ...honest.resultData, predicted: 99 },
  }),
  scoresSpeed: true,
  wrongAnswerScores: 'zero',
}));

describe('verifiable inference', () => {
  it('pays an honest, proven answer for correctness and latency', async () => {
    const task = await validator.createTask(context(1));
    const result = await solve(task);
    expect(result.proof?.system).toBe('groth16');
    expect(await validator.verifyProof(task, result)).toEqual({ valid: true });
    const judged = await score(task, result);
    expect(judged.value).toBeGreaterThan(0.7);
    expect(judged.metadata).toMatchObject({
      proof: 'valid',
      predicted: result.resultData.predicted,
    });
  });

  it('scores 0 for a missing proof, a forged one, a replayed one and an unproven answer, saying why', async () => {
    const task = await validator.createTask(context(2));
    const honest = await solve(task);
    const { proof: _dropped, ...withoutProof } = honest;
    const forged: Result = structuredClone(honest);
    if (forged.proof) {
      forged.proof.publicSignals[0] = String(BigInt(forged.proof.publicSignals[0] ?? '0') + 1n);
      delete forged.proof.outputs;
    }
    const other = await validator.createTask(context(2));
    const replayed: Result = { ...(await solve(other)), taskId: task.taskId, minerUid: 99 };
    const unproven: Result = {
      ...structuredClone(honest),
      resultData: { ...honest.resultData, predicted: 99 },
    };
    const codes: Record<string, string | undefined> = {};
    for (const [name, result] of Object.entries({ withoutProof, forged, replayed, unproven })) {
      const judged = await score(task, result as Result);
      expect(judged.value, name).toBe(0);
      codes[name] = (await validator.verifyProof(task, result as Result)).code;
    }
    expect(codes).toMatchObject({
      withoutProof: 'missing',
      replayed: 'wrong_input',
      unproven: 'not_proven_output',
    });
  });

  it('scores 0 when the proof was never verified (one owner checks it: the caller)', async () => {
    const task = await validator.createTask(context(3));
    const result = await solve(task);
    const judged = await validator.scoreResult(task, result, { latencyMs: 1, timeoutMs: 30_000 });
    expect(judged).toMatchObject({ value: 0, metadata: { code: 'unchecked' } });
  });

  it('refuses tasks for another model or with malformed inputs', async () => {
    const task = await validator.createTask(context(3));
    await expect(
      miner.solveTask({ ...task, taskData: { ...task.taskData, modelHash: '1' } }, live()),
    ).rejects.toThrow(/another model/);
    await expect(
      miner.solveTask({ ...task, taskData: { ...task.taskData, input: [1, 2] } }, live()),
    ).rejects.toThrow(/must be an array of 6 numbers/);
  });
});
