import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, INT64 } from '../onnx/graph-builder.js';

/** The tiny model's vocabulary, by id. */
export const tinyBertVocab = [
  '[PAD]',
  '[UNK]',
  '[CLS]',
  '[SEP]',
  'hello',
  'world',
  'miner',
  'validator',
];
/** Hidden size of the tiny model. */
export const tinyBertHidden = 4;
/** The embedding row of token `id`: values derived from the id, so outputs are checkable. */
export const tinyBertEmbedding = (id: number) =>
  Array.from({ length: tinyBertHidden }, (_, k) => id * 10 + k);

/**
 * Writes a real, tiny BERT-shaped model folder in the Transformers.js layout:
 * a word-level tokenizer with [CLS]/[SEP] post-processing, and an ONNX graph
 * whose `last_hidden_state` is the embedding of each input token (one Gather).
 */
export async function writeTinyBert(dir: string): Promise<void> {
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  await writeFile(
    join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: tinyBertVocab.slice(0, 4).map((token, id) => special(id, token)),
      normalizer: { type: 'Lowercase' },
      pre_tokenizer: { type: 'Whitespace' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: {
          '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
          '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
        },
      },
      decoder: null,
      model: {
        type: 'WordLevel',
        vocab: Object.fromEntries(tinyBertVocab.map((token, id) => [token, id])),
        unk_token: '[UNK]',
      },
    }),
  );
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    JSON.stringify({
      tokenizer_class: 'BertTokenizer',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      model_max_length: 64,
    }),
  );
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      architectures: ['BertModel'],
      model_type: 'bert',
      hidden_size: tinyBertHidden,
      vocab_size: tinyBertVocab.length,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      pad_token_id: 0,
    }),
  );
  const graph = new GraphBuilder();
  const [ids] = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) =>
    graph.input(name, INT64, ['batch_size', 'sequence_length']),
  );
  const embeddings = graph.f32(
    [tinyBertVocab.length, tinyBertHidden],
    Float32Array.from(tinyBertVocab.flatMap((_, id) => tinyBertEmbedding(id))),
    'embeddings',
  );
  graph.op('Gather', [embeddings, ids as string], {}, 'last_hidden_state');
  graph.output('last_hidden_state', 'last_hidden_state', FLOAT, [
    'batch_size',
    'sequence_length',
    tinyBertHidden,
  ]);
  await writeFile(join(dir, 'onnx', 'model.onnx'), graph.encode('tiny-bert'));
}
