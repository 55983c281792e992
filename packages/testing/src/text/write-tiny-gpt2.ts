import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, INT64, seededNormal } from '../onnx/graph-builder.js';
import { byteLevelBpeTokenizer, END_OF_TEXT, gpt2Vocabulary } from './gpt2-vocabulary.js';
import {
  attention,
  feedForward,
  layerNorm,
  paddingBias,
  randomValues,
  type Width,
} from './transformer-blocks.js';

/** Shape of the generated causal LM. */
export interface TinyGpt2Options {
  seed?: number;
  hidden?: number;
  heads?: number;
  layers?: number;
  positions?: number;
}

const VOCAB = 50257;
const EOS = 50256;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 1)}\n`;
}

/**
 * Writes a GPT-2-architecture causal LM with random weights and the real
 * GPT-2 tokenizer into `dir`, in the layout Transformers.js loads from a
 * local folder (config, generation config, tokenizer, `onnx/model.onnx`).
 * The graph has the I/O Transformers.js expects of `gpt2`: `input_ids`,
 * `attention_mask`, `position_ids`, `num_logits_to_keep`, a KV cache
 * (`past_key_values.N.key/value` in, `present.N.key/value` out) and `logits`.
 */
export async function writeTinyGpt2(dir: string, options: TinyGpt2Options = {}): Promise<void> {
  const width: Width = { hidden: options.hidden ?? 64, heads: options.heads ?? 4 };
  const layers = options.layers ?? 2;
  const positions = options.positions ?? 1024;
  const headDim = width.hidden / width.heads;
  const normal = seededNormal(options.seed ?? 1);
  const g = new GraphBuilder();

  const inputIds = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', INT64, ['batch_size', 'sequence_length']);
  const keep = g.input('num_logits_to_keep', INT64, []);
  const past = Array.from({ length: layers }, (_, l) => ({
    key: g.input(`past_key_values.${l}.key`, FLOAT, [
      'batch_size',
      width.heads,
      'past_sequence_length',
      headDim,
    ]),
    value: g.input(`past_key_values.${l}.value`, FLOAT, [
      'batch_size',
      width.heads,
      'past_sequence_length',
      headDim,
    ]),
  }));

  const tokenEmbedding = g.f32(
    [VOCAB, width.hidden],
    randomValues(normal, VOCAB * width.hidden, 0.02),
  );
  const positionEmbedding = g.f32(
    [positions, width.hidden],
    randomValues(normal, positions * width.hidden, 0.01),
  );
  let x = g.op('Add', [
    g.op('Gather', [tokenEmbedding, inputIds]),
    g.op('Gather', [positionEmbedding, positionIds]),
  ]);

  // Causal mask over the cache: query i (at absolute position past + i) sees keys up to it.
  const scalar = (v: string) => g.op('Squeeze', [v, g.i64([0])]);
  const queries = scalar(g.op('Shape', [inputIds], { start: 1, end: 2 }));
  const total = scalar(g.op('Shape', [mask], { start: 1, end: 2 }));
  const pastLength = g.op('Sub', [total, queries]);
  const one = g.i64([1], []);
  const queryPositions = g.op('Range', [pastLength, total, one]);
  const keyPositions = g.op('Range', [g.i64([0], []), total, one]);
  const causal = g.op('LessOrEqual', [
    g.op('Unsqueeze', [keyPositions, g.i64([0])]),
    g.op('Unsqueeze', [queryPositions, g.i64([1])]),
  ]);
  const bias = g.op('Add', [
    g.op('Where', [causal, g.scalar(0), g.scalar(-1e9)]),
    paddingBias(g, mask),
  ]);

  for (let l = 0; l < layers; l += 1) {
    const step = attention(g, layerNorm(g, x, width.hidden), bias, width, normal, past[l]);
    x = g.op('Add', [x, step.out]);
    x = g.op('Add', [x, feedForward(g, layerNorm(g, x, width.hidden), width.hidden, normal)]);
    const present = step.present;
    if (present) {
      const dims = ['batch_size', width.heads, 'total_sequence_length', headDim];
      g.output(`present.${l}.key`, present.key, FLOAT, dims);
      g.output(`present.${l}.value`, present.value, FLOAT, dims);
    }
  }
  x = layerNorm(g, x, width.hidden);
  // Only the last `num_logits_to_keep` positions need logits (0 keeps all).
  const start = g.op('Neg', [g.op('Reshape', [keep, g.i64([1])])]);
  x = g.op('Slice', [x, start, g.i64([1_000_000_000]), g.i64([1])]);
  const head = g.f32([width.hidden, VOCAB], randomValues(normal, width.hidden * VOCAB, 0.5));
  g.output('logits', g.op('MatMul', [x, head]), FLOAT, ['batch_size', 'logits_length', VOCAB]);

  const { vocab, merges } = await gpt2Vocabulary();
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: false,
    use_regex: true,
  };
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'onnx', 'model.onnx'), g.encode('tiny-gpt2'));
  await writeFile(
    join(dir, 'tokenizer.json'),
    json(byteLevelBpeTokenizer(vocab, merges, [{ id: EOS, content: END_OF_TEXT }], byteLevel)),
  );
  await writeFile(
    join(dir, 'tokenizer_config.json'),
    json({
      tokenizer_class: 'GPT2Tokenizer',
      bos_token: END_OF_TEXT,
      eos_token: END_OF_TEXT,
      unk_token: END_OF_TEXT,
      model_max_length: positions,
      padding_side: 'left',
      add_prefix_space: false,
      clean_up_tokenization_spaces: false,
    }),
  );
  await writeFile(
    join(dir, 'config.json'),
    json({
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      vocab_size: VOCAB,
      n_positions: positions,
      n_ctx: positions,
      n_embd: width.hidden,
      n_layer: layers,
      n_head: width.heads,
      bos_token_id: EOS,
      eos_token_id: EOS,
      use_cache: true,
    }),
  );
  await writeFile(
    join(dir, 'generation_config.json'),
    json({ bos_token_id: EOS, eos_token_id: EOS }),
  );
}
