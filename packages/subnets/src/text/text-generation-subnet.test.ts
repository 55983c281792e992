import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { ModelManager } from '@mt/models';
import { TaskTimeoutError } from '@mt/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors.js';
import { makeModels } from '../models/make-models.js';
import { TextGenerationSubnet } from './text-generation-subnet.js';

let models: { generator: string; reward: string };
let manager: ModelManager;
let subnet: TextGenerationSubnet;
const context = (minerUid: string, difficulty = 0.2) => ({
  minerUid,
  difficulty,
  subnetUid: 1,
  cycle: 0,
});

beforeAll(async () => {
  models = await makeModels(await mkdtemp(join(tmpdir(), 'mt-text-subnet-')));
  manager = await ModelManager.open({ root: await mkdtemp(join(tmpdir(), 'mt-text-registry-')) });
  subnet = new TextGenerationSubnet({
    generator: models.generator,
    rewardModel: models.reward,
    modelManager: manager,
  });
  await subnet.setup();
}, 120_000);

afterAll(async () => {
  await subnet?.teardown();
  manager?.close();
});

describe('TextGenerationSubnet', () => {
  it('registers its generator in the model manager', () => {
    expect(manager.getModel('text-generator')).toMatchObject({
      framework: 'transformers.js',
      versions: ['1.0.0'],
    });
  });

  it('makes harder prompts for harder tasks, with more room to answer', async () => {
    const easy = await subnet.createTask(context('m', 0.1));
    const hard = await subnet.createTask(context('m', 0.9));
    expect(String(easy.taskData.prompt)).toMatch(/^Write one sentence about /);
    expect(String(hard.taskData.prompt)).toMatch(/argument for and against/);
    expect(Number(hard.taskData.maxNewTokens)).toBeGreaterThan(Number(easy.taskData.maxNewTokens));
  });

  it('answers greedily exactly as Transformers.js does, with real token counts', async () => {
    const task = await subnet.createTask(context('m'));
    const result = await subnet.solveTask(task);
    env.allowRemoteModels = false;
    const reference = await pipeline('text-generation', models.generator, {
      dtype: 'fp32',
      device: 'cpu',
    });
    try {
      const [expected] = (await reference(String(task.taskData.prompt), {
        max_new_tokens: Number(task.taskData.maxNewTokens),
        do_sample: false,
      })) as { generated_text: string }[];
      expect(`${task.taskData.prompt}${result.resultData.text}`).toBe(expected?.generated_text);
      const tokens = reference.tokenizer.encode(String(task.taskData.prompt)).length;
      expect(result.resultData.promptTokens).toBe(tokens);
    } finally {
      await reference.dispose();
    }
  });

  it('scores with the reward model and three criteria, batched scores equal to single ones', async () => {
    const tasks = await Promise.all(
      [0.1, 0.5, 0.9].map((d, i) => subnet.createTask(context(`m${i}`, d))),
    );
    const results = await Promise.all(tasks.map((task) => subnet.solveTask(task)));
    const pairs = results
      .map((result, i) => ({ task: tasks[i] ?? tasks[0], result }))
      .filter(
        (pair): pair is { task: (typeof tasks)[number]; result: (typeof results)[number] } =>
          pair.task !== undefined,
      );
    const batched = await subnet.scoreResults(pairs);
    for (const [i, { task, result }] of pairs.entries()) {
      const single = await subnet.scoreResult(task, result);
      expect(single.value).toBeCloseTo(batched[i]?.value ?? Number.NaN, 9);
      expect(single.value).toBeGreaterThanOrEqual(0);
      expect(single.value).toBeLessThanOrEqual(1);
      const breakdown = Object.keys((single.metadata as { breakdown: object }).breakdown);
      expect(breakdown.sort()).toEqual(['length', 'relevance', 'reward_model', 'speed']);
    }
  });

  it("counts the answer's tokens itself rather than trusting the miner's claim", async () => {
    const task = await subnet.createTask(context('liar'));
    const honest = await subnet.solveTask(task);
    const lie = { ...honest, resultData: { ...honest.resultData, text: '', completionTokens: 48 } };
    const score = await subnet.scoreResult(task, lie);
    expect(
      (score.metadata as { breakdown: { length: { raw: number } } }).breakdown.length.raw,
    ).toBe(0);
  });

  it('with reproduction on, pays an exact answer fully and a truncated or invented one little', async () => {
    const checker = new TextGenerationSubnet({
      generator: models.generator,
      rewardModel: models.reward,
      weights: { quality: 0, relevance: 0, length: 0, speed: 0, reproduction: 1 },
    });
    await checker.setup();
    try {
      const task = await checker.createTask(context('m', 0.5));
      const honest = await checker.solveTask(task);
      const text = String(honest.resultData.text);
      const score = async (answer: string) =>
        (
          await checker.scoreResult(task, {
            ...honest,
            resultData: { ...honest.resultData, text: answer },
          })
        ).value;
      expect(await score(text)).toBe(1);
      expect(await score(text.slice(0, Math.floor(text.length / 4)))).toBeLessThan(0.3);
      expect(await score('lorem ipsum dolor')).toBeLessThan(0.1);
    } finally {
      await checker.teardown();
    }
  });

  it("serves a repeated prompt from the cache under the asking task's id and miner", async () => {
    const first = await subnet.createTask(context('miner-a'));
    const second = {
      ...first,
      taskId: 'another-task',
      context: { ...first.context, minerUid: 'miner-b' },
    };
    const a = await subnet.solveTask(first);
    const b = await subnet.solveTask(second);
    expect(b.resultData).toEqual(a.resultData);
    expect([b.taskId, b.minerUid]).toEqual(['another-task', 'miner-b']);
  });

  it('fires the task timeout', async () => {
    const task = { ...(await subnet.createTask(context('m', 0.9))), taskId: 'slow', timeoutMs: 1 };
    subnet.clearCache();
    await expect(subnet.solveTask(task)).rejects.toSatisfy(TaskTimeoutError.isInstance);
  });

  it('fails setup with a typed error when a model cannot load', async () => {
    const broken = new TextGenerationSubnet({
      generator: join(tmpdir(), 'missing-generator'),
      rewardModel: models.reward,
    });
    const failure = await broken.setup().catch((error: unknown) => error);
    expect(ModelLoadError.isInstance((failure as Error).cause)).toBe(true);
    expect(String(failure)).toMatch(/no model folder at/);
    await broken.teardown().catch(() => {});
    await broken.models.close();
  });
});
