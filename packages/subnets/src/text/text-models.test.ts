import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { makeModels } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../errors.js';
import { TextModels } from './text-models.js';

const prompts = [
  'Hello, my name is',
  'The validator scored the miner',
  'Proofs',
  'Decentralized networks of models can',
];
let models: { generator: string; reward: string };
let text: TextModels;

beforeAll(async () => {
  models = await makeModels(await mkdtemp(join(tmpdir(), 'mt-text-models-')));
  text = new TextModels({ generator: models.generator, reward: models.reward });
  await text.load();
}, 120_000);

afterAll(async () => {
  await text?.close();
});

describe('TextModels', () => {
  it("generates greedily exactly what Transformers.js's own pipeline generates", async () => {
    env.allowRemoteModels = false;
    const reference = await pipeline('text-generation', models.generator, {
      dtype: 'fp32',
      device: 'cpu',
    });
    try {
      for (const prompt of prompts.slice(0, 2)) {
        const [expected] = (await reference(prompt, {
          max_new_tokens: 12,
          do_sample: false,
        })) as { generated_text: string }[];
        const row = await text.generate({ prompt, maxNewTokens: 12 });
        expect(`${prompt}${row.text}`).toBe(expected?.generated_text);
        expect(row.stopped ? row.completionTokens < 12 : row.completionTokens === 12).toBe(true);
      }
    } finally {
      await reference.dispose();
    }
  });

  it('gives the same rows batched (left-padded, mixed lengths and limits) as one at a time', async () => {
    const requests = prompts.map((prompt, i) => ({ prompt, maxNewTokens: 6 + 2 * i }));
    const batched = await text.generateBatch(requests);
    for (const [i, request] of requests.entries()) {
      const [single] = await text.generateBatch([request]);
      expect(batched[i]).toEqual(single);
      expect(batched[i]?.completionTokens).toBe(request.maxNewTokens);
    }
    // Real token counts: GPT-2's tokenizer splits "Hello, my name is" into 5 tokens.
    expect(batched[0]?.promptTokens).toBe(5);
  });

  it('scores (prompt, response) pairs in a batch exactly as one at a time', async () => {
    const responses = [
      'a short answer',
      'a much longer answer with many more words in it',
      'yes',
      '',
    ];
    const batched = await text.reward(prompts, responses);
    expect(batched).toHaveLength(4);
    for (const [i, prompt] of prompts.entries()) {
      const [single] = await text.reward([prompt], [responses[i] ?? '']);
      expect(batched[i]).toBeCloseTo(single ?? Number.NaN, 6);
    }
    expect(new Set(batched.map((v) => v.toFixed(6))).size).toBeGreaterThan(1);
  });

  it('refuses a missing model folder with a typed error, never falling back', async () => {
    const missing = new TextModels({ generator: join(tmpdir(), 'no-such-model-folder') });
    try {
      await expect(missing.load()).rejects.toSatisfy(ModelLoadError.isInstance);
      await expect(missing.load()).rejects.toThrow(/no model folder at/);
    } finally {
      await missing.close();
    }
    const notAModel = new TextModels({ generator: tmpdir() });
    try {
      await expect(notAModel.load()).rejects.toThrow(/has no config.json/);
    } finally {
      await notAModel.close();
    }
  });
});
