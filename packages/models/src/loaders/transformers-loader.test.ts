import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tinyBertEmbedding, tinyBertHidden, writeTinyBert } from '@mt/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelManager } from '../manager/model-manager.js';
import { type TransformersModel, transformersLoader } from './transformers-loader.js';

const open: ModelManager[] = [];
afterEach(() => {
  for (const manager of open.splice(0)) manager.close();
});

describe('transformersLoader', () => {
  it('loads a Transformers.js model folder from the store and runs it', async () => {
    const source = await mkdtemp(join(tmpdir(), 'mt-tiny-bert-'));
    await writeTinyBert(source);
    const manager = await ModelManager.open({ root: await mkdtemp(join(tmpdir(), 'mt-models-')) });
    open.push(manager);
    manager.registerLoader('transformers.js', transformersLoader());
    manager.registerModel({
      id: 'tiny-bert',
      name: 'Tiny BERT',
      framework: 'transformers.js',
      taskType: 'feature-extraction',
    });
    await manager.addVersion('tiny-bert', '0.1.0', { path: source });

    const { tokenizer, model } = await manager.loadModel<TransformersModel>('tiny-bert');
    const inputs = tokenizer('Hello miner');
    const ids = Array.from((inputs.input_ids as { data: BigInt64Array }).data, Number);
    expect(ids).toEqual([2, 4, 6, 3]); // [CLS] hello miner [SEP]
    const output = await model(inputs);
    const hidden = output.last_hidden_state as { dims: number[]; data: Float32Array };
    expect(hidden.dims).toEqual([1, 4, tinyBertHidden]);
    expect(Array.from(hidden.data)).toEqual(ids.flatMap(tinyBertEmbedding));
  }, 60_000);
});
