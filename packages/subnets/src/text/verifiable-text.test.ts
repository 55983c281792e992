import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Result, resultOf, type Task } from '@mt/protocol';
import { nanoGptOnnx, runOnnxModel } from '@mt/testing';
import { CircuitCompiler, InvalidZkmlInputError, setupCircuit } from '@mt/zkml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidSubnetInputError } from '../errors.js';
import { describeSubnet } from '../test-support/describe-subnet.js';
import { CharacterVocabulary } from './verifiable-text.js';
import { VerifiableTextMiner } from './verifiable-text-miner.js';
import { VerifiableTextValidator } from './verifiable-text-validator.js';

// The smallest nanoGPT with every part of one (two blocks of causal
// self-attention and a GELU MLP, LayerNorms, token and position embeddings),
// in private mode: a validator holds only the circuit's public files.
const shape = { vocab: 8, hidden: 4, heads: 2, context: 2, blocks: 2 };
const vocabulary = ' etaoins';
const onnx = nanoGptOnnx(shape);
let work: string;
let minerDir: string;
let validatorDir: string;
let modelFile: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mt-verifiable-text-'));
  minerDir = join(work, 'miner');
  validatorDir = join(work, 'validator');
  modelFile = join(work, 'nano-gpt.onnx');
  await writeFile(modelFile, onnx);
  const circuit = await new CircuitCompiler().compileModel(onnx, minerDir, {
    mode: 'private',
    scaleBits: 8,
    inputBits: 14,
  });
  await setupCircuit(circuit, { system: 'groth16' });
  // A validator's folder: the circuit's two public files, no weights.
  await mkdir(validatorDir);
  for (const file of ['circuit.json', 'verification_key.json'])
    await copyFile(join(minerDir, file), join(validatorDir, file));
}, 600_000);

const context = (round: number) => ({ minerUid: 4, difficulty: 0.5, netuid: 3, round });
const live = () => ({ signal: new AbortController().signal, deadline: Date.now() + 60_000 });

describeSubnet('text generation, verifiable mode', async () => ({
  miner: await VerifiableTextMiner.create({ circuitDir: minerDir, model: modelFile, vocabulary }),
  validator: await VerifiableTextValidator.create({ circuitDir: validatorDir, vocabulary }),
  // Another first token than the proven one.
  wrongAnswer: (_task, honest) => {
    const text = String(honest.resultData.text);
    const first = vocabulary[(vocabulary.indexOf(text[0] ?? ' ') + 1) % vocabulary.length];
    return { ...honest, resultData: { ...honest.resultData, text: `${first}${text.slice(1)}` } };
  },
  scoresSpeed: true,
  wrongAnswerScores: 'zero',
}));

describe('the verifiable mode of the text-generation subnet', () => {
  let miner: VerifiableTextMiner;
  let validator: VerifiableTextValidator;

  beforeAll(async () => {
    miner = await VerifiableTextMiner.create({
      circuitDir: minerDir,
      model: modelFile,
      vocabulary,
    });
    validator = await VerifiableTextValidator.create({
      circuitDir: validatorDir,
      vocabulary,
      samplePrompt: () => 'tea',
      maxNewTokens: 5,
    });
  });
  afterAll(async () => {
    await miner?.close();
    await validator?.close();
  });

  async function solve(task: Task): Promise<Result> {
    return resultOf(task, await miner.solveTask(task, live()), {
      completedAt: Date.now(),
      executionTimeMs: 1,
    });
  }

  it("proves the first token: onnxruntime's next token for the prompt's last two, up to a tie", async () => {
    const task = await validator.createTask(context(0));
    const result = await solve(task);
    expect(await validator.verifyProof(task, result)).toEqual({ valid: true });
    const text = String(result.resultData.text);
    expect(text).toHaveLength(5);
    const ids = new CharacterVocabulary(vocabulary).encode('ea') ?? [];
    const ort = await runOnnxModel(onnx, { tokens: { dims: [1, 2], data: ids } });
    const logits = [...(ort.logits?.data ?? [])];
    const first = vocabulary.indexOf(text[0] ?? '');
    // Within the circuit's fixed-point error of the largest logit (the bound is far below 0.5).
    expect(logits[first]).toBeGreaterThanOrEqual(Math.max(...logits) - 0.5);
  });

  it('refuses a proof replayed for another prompt, and an answer past the task or the vocabulary', async () => {
    const task = await validator.createTask(context(1));
    const honest = await solve(task);
    const other = {
      ...task,
      taskId: `${task.taskId}-other`,
      taskData: { ...task.taskData, prompt: 'sin' },
    };
    expect(await validator.verifyProof(other, { ...honest, taskId: other.taskId })).toMatchObject({
      valid: false,
      code: 'wrong_input',
    });
    for (const text of ['', 'tea tea', 'TEA', 42])
      expect(
        await validator.verifyProof(task, {
          ...honest,
          resultData: { ...honest.resultData, text },
        }),
      ).toMatchObject({ valid: false, code: 'malformed_answer' });
  });

  it('refuses a prompt outside the vocabulary, a vocabulary that does not fit, and another model', async () => {
    const task = await validator.createTask(context(2));
    await expect(
      miner.solveTask({ ...task, taskData: { ...task.taskData, prompt: 'TEA' } }, live()),
    ).rejects.toThrow(/outside the model's vocabulary/);
    const wrong = await VerifiableTextValidator.create({
      circuitDir: validatorDir,
      vocabulary: 'abc',
    }).catch((e: unknown) => e);
    expect(InvalidSubnetInputError.isInstance(wrong)).toBe(true);
    const otherModel = join(work, 'other.onnx');
    await writeFile(otherModel, nanoGptOnnx({ ...shape, seed: 8 }));
    const refused = await VerifiableTextMiner.create({
      circuitDir: minerDir,
      model: otherModel,
      vocabulary,
    }).catch((e: unknown) => e);
    expect(InvalidZkmlInputError.isInstance(refused)).toBe(true);
  });
});
