import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { ModelManager } from '@mt/models';
import { type Observation, resultOf, type Task, TaskValidationError } from '@mt/protocol';
import { makeModels } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors.js';
import { describeSubnet } from '../test-support/describe-subnet.js';
import { TextGenerationMiner } from './text-generation-miner.js';
import { TextGenerationValidator } from './text-generation-validator.js';

let models: { generator: string; reward: string };
let manager: ModelManager;
let miner: TextGenerationMiner;
let validator: TextGenerationValidator;
const context = (minerUid: number, difficulty = 0.2) => ({
  minerUid,
  difficulty,
  netuid: 1,
  round: 0,
});
const live = () => ({ signal: new AbortController().signal, deadline: Date.now() + 30_000 });
const observed = (task: Task, latencyMs = 10): Observation => ({
  latencyMs,
  timeoutMs: task.timeoutMs ?? 30_000,
});

async function solve(task: Task) {
  return resultOf(task, await miner.solveTask(task, live()), {
    completedAt: Date.now(),
    executionTimeMs: 1,
  });
}

beforeAll(async () => {
  models = await makeModels(await mkdtemp(join(tmpdir(), 'mt-text-subnet-')));
  manager = await ModelManager.open({ root: await mkdtemp(join(tmpdir(), 'mt-text-registry-')) });
  miner = await TextGenerationMiner.create({ generator: models.generator, modelManager: manager });
  validator = await TextGenerationValidator.create({
    generator: models.generator,
    rewardModel: models.reward,
  });
}, 120_000);

afterAll(async () => {
  await miner?.close();
  await validator?.close();
  manager?.close();
});

describeSubnet('text generation', async () => ({
  miner: await TextGenerationMiner.create({ generator: models.generator }),
  validator: await TextGenerationValidator.create({
    generator: models.generator,
    rewardModel: models.reward,
  }),
  wrongAnswer: (_task, honest) => ({ ...honest, resultData: { ...honest.resultData, text: '' } }),
  scoresSpeed: true,
  wrongAnswerScores: 'lower',
}));

describe('TextGenerationMiner', () => {
  it('registers its generator in the model manager', () => {
    expect(manager.getModel('text-generator')).toMatchObject({
      framework: 'transformers.js',
      versions: ['1.0.0'],
    });
  });

  it('loads only its generator: no reward model is there to score with', async () => {
    await expect(miner.models.reward(['p'], ['r'])).rejects.toSatisfy(ModelLoadError.isInstance);
  });

  it('answers greedily exactly as Transformers.js does, with real token counts', async () => {
    const task = await validator.createTask(context(1));
    const result = await solve(task);
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

  it('stops a row in the worker when nobody waits for it, and rejects at once', async () => {
    const prompt = 'Write one sentence about why the sky is blue.';
    const [full] = await miner.models.generateBatch([{ prompt, maxNewTokens: 24 }]);
    expect(full?.completionTokens).toBeGreaterThan(0);
    const gone = new AbortController();
    gone.abort(new Error('deadline'));
    const [stopped] = await miner.models.generateBatch([
      { prompt, maxNewTokens: 24, signal: gone.signal },
    ]);
    // The worker read the flag before its first new token.
    expect(stopped?.completionTokens).toBe(0);
    const task = await validator.createTask(context(1, 0.9));
    const leaving = new AbortController();
    const answer = miner.solveTask(task, { signal: leaving.signal, deadline: Date.now() });
    leaving.abort(new Error('validator gone'));
    await expect(answer).rejects.toThrow('validator gone');
  });

  it('refuses a task whose payload breaks the subnet’s rules', async () => {
    const task = await validator.createTask(context(1));
    await expect(
      miner.solveTask({ ...task, taskData: { ...task.taskData, maxNewTokens: 10_000 } }, live()),
    ).rejects.toThrow(/maxNewTokens must be an integer from 1 to 512/);
  });

  it('refuses a prompt past the model’s context as invalid input, before generating', async () => {
    expect(miner.models.contextTokens).toBe(1024);
    const task = await validator.createTask(context(1));
    const long = { ...task, taskData: { ...task.taskData, prompt: 'word '.repeat(1_100) } };
    const refused = await miner.solveTask(long, live()).catch((error: unknown) => error);
    expect(TaskValidationError.isInstance(refused), String(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/past this model's context of 1024/);
    // Long in bytes but few tokens: counted, and served.
    const wide = { ...task, taskData: { ...task.taskData, prompt: `${'a'.repeat(1_200)}` } };
    const answer = await miner.solveTask(
      { ...wide, taskData: { ...wide.taskData, maxNewTokens: 2 } },
      live(),
    );
    expect(answer.resultData.promptTokens).toBeLessThan(1_024);
  });

  it('fails to start with a typed error when its model cannot load', async () => {
    const failure = await TextGenerationMiner.create({
      generator: join(tmpdir(), 'missing-generator'),
    }).catch((error: unknown) => error);
    expect(ModelLoadError.isInstance(failure)).toBe(true);
    expect(String(failure)).toMatch(/no model folder at/);
  });
});

describe('TextGenerationValidator', () => {
  it('makes harder prompts for harder tasks, with more room to answer', async () => {
    const easy = await validator.createTask(context(1, 0.1));
    const hard = await validator.createTask(context(1, 0.9));
    expect(String(easy.taskData.prompt)).toMatch(/^Write one sentence about /);
    expect(String(hard.taskData.prompt)).toMatch(/argument for and against/);
    expect(Number(hard.taskData.maxNewTokens)).toBeGreaterThan(Number(easy.taskData.maxNewTokens));
  });

  it('scores with the reward model and three criteria, batched scores equal to single ones', async () => {
    const tasks = await Promise.all(
      [0.1, 0.5, 0.9].map((d, i) => validator.createTask(context(i, d))),
    );
    const answers = await Promise.all(
      tasks.map(async (task) => ({ task, result: await solve(task), observation: observed(task) })),
    );
    const batched = await validator.scoreResults(answers);
    for (const [i, { task, result, observation }] of answers.entries()) {
      const single = await validator.scoreResult(task, result, observation);
      expect(single.value).toBeCloseTo(batched[i]?.value ?? Number.NaN, 9);
      expect(single.value).toBeGreaterThanOrEqual(0);
      expect(single.value).toBeLessThanOrEqual(1);
      const breakdown = Object.keys((single.metadata as { breakdown: object }).breakdown);
      expect(breakdown.sort()).toEqual([
        'length',
        'relevance',
        'reproduction',
        'reward_model',
        'speed',
      ]);
    }
  });

  it("counts the answer's tokens itself rather than trusting the miner's claim", async () => {
    const task = await validator.createTask(context(2));
    const honest = await solve(task);
    const claiming = (completionTokens: number) => ({
      ...honest,
      resultData: { ...honest.resultData, completionTokens },
    });
    const lengthOf = async (completionTokens: number) =>
      (
        (await validator.scoreResult(task, claiming(completionTokens), observed(task)))
          .metadata as { breakdown: { length: { raw: number } } }
      ).breakdown.length.raw;
    const counted = await lengthOf(0);
    expect(counted).toBeGreaterThan(0);
    expect(await lengthOf(100_000)).toBe(counted);
  });

  it('pays no answer that does not reproduce the reference: filler of topic words, an empty answer at once', async () => {
    const task = await validator.createTask(context(1, 0.8));
    const honest = await solve(task);
    const { topic, maxNewTokens } = task.taskData as { topic: string; maxNewTokens: number };
    // The attack: the topic's words, then filler up to the allowance, sent in no time.
    const filler = `${topic} ${'the '.repeat(maxNewTokens)}`.trim();
    const as = (text: string) => ({ ...honest, resultData: { ...honest.resultData, text } });
    const honestScore = await validator.scoreResult(task, honest, observed(task, 2_000));
    const fillerScore = await validator.scoreResult(task, as(filler), observed(task, 1));
    const emptyScore = await validator.scoreResult(task, as(''), observed(task, 1));
    expect(honestScore.value).toBeGreaterThan(0.5);
    for (const cheat of [fillerScore, emptyScore]) {
      expect(cheat.value).toBe(0);
      expect(cheat.metadata).toMatchObject({ code: 'not_reproduced' });
    }
  });

  it('with reproduction alone, pays an exact answer fully and a truncated or invented one little', async () => {
    const checker = await TextGenerationValidator.create({
      generator: models.generator,
      rewardModel: models.reward,
      weights: { quality: 0, relevance: 0, length: 0, speed: 0, reproduction: 1 },
      minReproduction: 0,
    });
    try {
      const task = await checker.createTask(context(1, 0.5));
      const honest = await solve(task);
      const text = String(honest.resultData.text);
      const score = async (answer: string) =>
        (
          await checker.scoreResult(
            task,
            { ...honest, resultData: { ...honest.resultData, text: answer } },
            observed(task),
          )
        ).value;
      expect(await score(text)).toBe(1);
      expect(await score(text.slice(0, Math.floor(text.length / 4)))).toBeLessThan(0.3);
      expect(await score('lorem ipsum dolor')).toBeLessThan(0.1);
    } finally {
      await checker.close();
    }
  });
});
