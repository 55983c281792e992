import { createHash } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedModelNames, makeModels } from './make-models.js';

const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('makeModels', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mt-testing-models-'));
  });

  it('makes the same models byte for byte from the same seed, and others from another', async () => {
    const a = await makeModels(join(dir, 'a'));
    expect(a.generator).toBe(join(dir, 'a', generatedModelNames.generator));
    await makeModels(join(dir, 'b'));
    for (const file of [
      'tiny-gpt2/onnx/model.onnx',
      'tiny-gpt2/tokenizer.json',
      'tiny-reward/onnx/model.onnx',
    ]) {
      expect(await digest(join(dir, 'b', file))).toBe(await digest(join(dir, 'a', file)));
    }
    await makeModels(join(dir, 'c'), { seed: 9 });
    expect(await digest(join(dir, 'c', 'tiny-gpt2/onnx/model.onnx'))).not.toBe(
      await digest(join(dir, 'a', 'tiny-gpt2/onnx/model.onnx')),
    );
  }, 60_000);
});
