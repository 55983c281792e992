import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { makeModels } from '@mt/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSubnetsCli } from './run-subnets-cli.js';

const cli = (args: string[]) => runCaptured(runSubnetsCli, args);

describe('mt-subnets', () => {
  let dir: string;
  let models: { generator: string; reward: string };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mt-subnets-cli-'));
    models = await makeModels(join(dir, 'a'));
  }, 60_000);

  it('generates greedily and in batches, with token counts', async () => {
    const one = await cli([
      'generate',
      '--model',
      models.generator,
      '--prompt',
      'Hello, my name is',
      '--greedy',
      '--max-new-tokens',
      '5',
      '--json',
    ]);
    expect(one.code).toBe(0);
    const row = JSON.parse(one.stdout);
    expect(row).toMatchObject({ prompt: 'Hello, my name is', promptTokens: 5 });
    expect(row.completionTokens).toBeLessThanOrEqual(5);
    await writeFile(join(dir, 'prompts.txt'), 'Hello, my name is\nThe miner\n');
    const batch = await cli([
      'generate',
      '--model',
      models.generator,
      '--batch',
      join(dir, 'prompts.txt'),
      '--greedy',
      '--max-new-tokens',
      '5',
      '--json',
    ]);
    const rows = JSON.parse(batch.stdout);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(row);
    const sampled = await cli([
      'generate',
      '--model',
      models.generator,
      '--prompt',
      'Hi',
      '--seed',
      '3',
      '--max-new-tokens',
      '6',
      '--json',
    ]);
    const again = await cli([
      'generate',
      '--model',
      models.generator,
      '--prompt',
      'Hi',
      '--seed',
      '3',
      '--max-new-tokens',
      '6',
      '--json',
    ]);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(sampled.stdout));
  });

  it('scores a (prompt, response) pair with the reward model', async () => {
    const scored = await cli([
      'reward',
      '--model',
      models.reward,
      '--prompt',
      'What is 2+2?',
      '--response',
      '4',
      '--json',
    ]);
    expect(scored.code).toBe(0);
    const { reward, score } = JSON.parse(scored.stdout);
    expect(Number.isFinite(reward)).toBe(true);
    expect(score).toBeCloseTo(1 / (1 + Math.exp(-reward)), 12);
  });

  it('exits 1 with a typed error for a missing model, 2 for bad arguments', async () => {
    const missing = await cli(['generate', '--model', join(dir, 'nope'), '--prompt', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('MT_SUBNETS_MODEL_LOAD_FAILED');
    const bad = await cli(['generate', '--model', models.generator]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('give --prompt TEXT or --batch FILE');
    const tokens = await cli([
      'generate',
      '--model',
      models.generator,
      '--prompt',
      'x',
      '--max-new-tokens',
      '0',
    ]);
    expect(tokens.code).toBe(2);
    expect(tokens.stderr).toContain('must be an integer from 1 to 512');
    const readable = await cli([
      'reward',
      '--model',
      models.reward,
      '--prompt',
      'a',
      '--response',
      'b',
    ]);
    expect(readable.stdout).toMatch(/^reward +-?\d/m);
  });
});
