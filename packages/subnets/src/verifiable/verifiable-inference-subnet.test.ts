import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Result } from '@mt/protocol';
import { CircuitCompiler, exportMlpToOnnx, setupCircuit } from '@mt/zkml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerifiableInferenceSubnet } from './verifiable-inference-subnet.js';

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
let subnet: VerifiableInferenceSubnet;
const context = (minerUid: string) => ({ minerUid, difficulty: 0.5, subnetUid: 2, cycle: 0 });

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mt-verifiable-'));
  const circuit = await new CircuitCompiler().compileModel(exportMlpToOnnx(mlp), dir);
  await setupCircuit(circuit);
  subnet = new VerifiableInferenceSubnet({ circuitDir: dir, cache: false });
  await subnet.setup();
}, 300_000);

afterAll(async () => {
  await subnet?.teardown();
});

describe('VerifiableInferenceSubnet', () => {
  it('pays an honest, proven answer for correctness and latency', async () => {
    const task = await subnet.createTask(context('honest'));
    const result = await subnet.solveTask(task);
    expect(result.proof?.system).toBe('groth16');
    expect(await subnet.verifyProof(task, result)).toEqual({ valid: true });
    const score = await subnet.scoreResult(task, result);
    expect(score.value).toBeGreaterThan(0.7);
    expect(score.metadata).toMatchObject({
      proof: 'valid',
      predicted: result.resultData.predicted,
    });
  });

  it('scores 0 for a missing proof, a forged one, a replayed one and an unproven answer', async () => {
    const task = await subnet.createTask(context('cheater'));
    const honest = await subnet.solveTask(task);
    const { proof: _dropped, ...withoutProof } = honest;
    const forged: Result = structuredClone(honest);
    if (forged.proof) {
      forged.proof.publicSignals[0] = String(BigInt(forged.proof.publicSignals[0] ?? '0') + 1n);
      delete forged.proof.outputs;
    }
    const other = await subnet.createTask(context('cheater'));
    const replayed: Result = {
      ...(await subnet.solveTask(other)),
      taskId: task.taskId,
      minerUid: 'cheater',
    };
    const unproven: Result = {
      ...structuredClone(honest),
      resultData: { ...honest.resultData, predicted: 99 },
    };
    for (const [name, result] of Object.entries({ withoutProof, forged, replayed, unproven })) {
      const score = await subnet.scoreResult(task, result as Result);
      expect(score.value, name).toBe(0);
    }
    expect((await subnet.verifyProof(task, withoutProof as Result)).valid).toBe(false);
    expect((await subnet.verifyProof(task, replayed)).valid).toBe(false);
  });

  it('refuses tasks for another model or with malformed inputs', async () => {
    const task = await subnet.createTask(context('m'));
    await expect(
      subnet.solveTask({ ...task, taskData: { ...task.taskData, modelHash: '1' } }),
    ).rejects.toThrow(/another model/);
    await expect(
      subnet.solveTask({ ...task, taskData: { ...task.taskData, input: [1, 2] } }),
    ).rejects.toThrow(/must be an array of 6 numbers/);
  });
});
