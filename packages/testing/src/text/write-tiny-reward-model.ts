import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, INT64, seededNormal } from '../onnx/graph-builder.js';
import { byteLevelBpeTokenizer, gpt2Vocabulary } from './gpt2-vocabulary.js';
import {
  attention,
  feedForward,
  layerNorm,
  linear,
  paddingBias,
  randomValues,
  type Width,
} from './transformer-blocks.js';

/** Shape of the generated reward model. */
export interface TinyRewardModelOptions {
  seed?: number;
  hidden?: number;
  heads?: number;
  layers?: number;
  positions?: number;
}

const specials = ['[PAD]', '[CLS]', '[SEP]', '[UNK]', '[MASK]'].map((content, i) => ({
  id: 50257 + i,
  content,
}));
const id = (content: string) => specials.find((s) => s.content === content)?.id ?? 0;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

/**
 * Writes a sequence-classification reward model with random weights into
 * `dir` in the Transformers.js layout: a DeBERTa-v2-shaped config (one label:
 * the raw logit is the reward), GPT-2's byte-level vocabulary plus
 * `[PAD] [CLS] [SEP] [UNK] [MASK]`, pairs encoded `[CLS] prompt [SEP]
 * response [SEP]`, and a post-LN encoder whose `[CLS]` state feeds the head.
 */
export async function writeTinyRewardModel(
  dir: string,
  options: TinyRewardModelOptions = {},
): Promise<void> {
  const width: Width = { hidden: options.hidden ?? 32, heads: options.heads ?? 4 };
  const layers = options.layers ?? 2;
  const positions = options.positions ?? 512;
  const vocabSize = 50257 + specials.length;
  const normal = seededNormal(options.seed ?? 2);
  const g = new GraphBuilder();

  const inputIds = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'sequence_length']);
  const length = g.op('Squeeze', [g.op('Shape', [inputIds], { start: 1, end: 2 }), g.i64([0])]);
  const positionIds = g.op('Range', [g.i64([0], []), length, g.i64([1], [])]);
  const tokenEmbedding = g.f32(
    [vocabSize, width.hidden],
    randomValues(normal, vocabSize * width.hidden, 0.5),
  );
  const positionEmbedding = g.f32(
    [positions, width.hidden],
    randomValues(normal, positions * width.hidden, 0.1),
  );
  let x = g.op('Add', [
    g.op('Gather', [tokenEmbedding, inputIds]),
    g.op('Gather', [positionEmbedding, positionIds]),
  ]);
  const bias = paddingBias(g, mask);
  for (let l = 0; l < layers; l += 1) {
    x = layerNorm(g, g.op('Add', [x, attention(g, x, bias, width, normal).out]), width.hidden);
    x = layerNorm(g, g.op('Add', [x, feedForward(g, x, width.hidden, normal)]), width.hidden);
  }
  const cls = g.op('Gather', [x, g.i64([0], [])], { axis: 1 });
  g.output('logits', linear(g, cls, width.hidden, 1, normal), FLOAT, ['batch_size', 1]);

  const { vocab, merges } = await gpt2Vocabulary();
  const template = (single: boolean) => [
    { SpecialToken: { id: '[CLS]', type_id: 0 } },
    { Sequence: { id: 'A', type_id: 0 } },
    { SpecialToken: { id: '[SEP]', type_id: 0 } },
    ...(single
      ? []
      : [{ Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }]),
  ];
  const postProcessor = {
    type: 'TemplateProcessing',
    single: template(true),
    pair: template(false),
    special_tokens: Object.fromEntries(
      ['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }]),
    ),
  };
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'onnx', 'model.onnx'), g.encode('tiny-reward-model'));
  await writeFile(
    join(dir, 'tokenizer.json'),
    json(byteLevelBpeTokenizer(vocab, merges, specials, postProcessor)),
  );
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'DebertaV2Tokenizer',
      cls_token: '[CLS]',
      sep_token: '[SEP]',
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      mask_token: '[MASK]',
      model_max_length: positions,
      padding_side: 'right',
    }),
  );
  await writeFile(
    join(dir, 'config.json'),
    json({
      architectures: ['DebertaV2ForSequenceClassification'],
      model_type: 'deberta-v2',
      id2label: { 0: 'LABEL_0' },
      label2id: { LABEL_0: 0 },
      hidden_size: width.hidden,
      num_hidden_layers: layers,
      num_attention_heads: width.heads,
      max_position_embeddings: positions,
      type_vocab_size: 0,
      vocab_size: vocabSize,
      pad_token_id: id('[PAD]'),
    }),
  );
}
