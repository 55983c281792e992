import { FLOAT, GraphBuilder, INT64, seededNormal } from '../onnx/graph-builder.js';
import {
  attention,
  feedForward,
  layerNorm,
  randomValues,
  type Width,
} from './transformer-blocks.js';

/** Shape of {@link nanoGptOnnx}'s model. */
export interface NanoGptOptions {
  seed?: number;
  /** Tokens in the vocabulary. Default 16. */
  vocab?: number;
  /** Hidden size. Default 8. */
  hidden?: number;
  /** Attention heads. Default 2. */
  heads?: number;
  /** Blocks. Default 2. */
  blocks?: number;
  /** Tokens in the context (the input's length). Default 4. */
  context?: number;
}

/**
 * A nanoGPT-shaped causal language model, small enough to prove: token and
 * position embeddings, `blocks` pre-LayerNorm blocks of causal self-attention
 * and a GELU MLP with residuals, a final LayerNorm and an LM head, random
 * weights. Its one input `tokens` holds the token ids as floats `[1,
 * context]` (a circuit's input is a number tensor); its output `logits` is
 * the last position's `[1, vocab]`, what picks the next token.
 */
export function nanoGptOnnx(options: NanoGptOptions = {}): Uint8Array {
  const vocab = options.vocab ?? 16;
  const context = options.context ?? 4;
  const width: Width = { hidden: options.hidden ?? 8, heads: options.heads ?? 2 };
  const { hidden } = width;
  const normal = seededNormal(options.seed ?? 7);
  const g = new GraphBuilder();
  const tokens = g.input('tokens', FLOAT, [1, context]);
  const ids = g.op('Cast', [tokens], { to: INT64 });
  const wte = g.f32([vocab, hidden], randomValues(normal, vocab * hidden, 0.5));
  const wpe = g.f32([context, hidden], randomValues(normal, context * hidden, 0.1));
  let x = g.op('Add', [g.op('Gather', [wte, ids], { axis: 0 }), wpe]);
  // The causal mask as a constant bias: 0 on and below the diagonal, −1e4 above.
  const mask = new Float32Array(context * context);
  for (let i = 0; i < context; i += 1)
    for (let j = i + 1; j < context; j += 1) mask[i * context + j] = -1e4;
  const bias = g.f32([1, 1, context, context], mask);
  for (let b = 0; b < (options.blocks ?? 2); b += 1) {
    x = g.op('Add', [x, attention(g, layerNorm(g, x, hidden), bias, width, normal).out]);
    x = g.op('Add', [x, feedForward(g, layerNorm(g, x, hidden), hidden, normal)]);
  }
  const last = g.op('Gather', [layerNorm(g, x, hidden), g.i64([context - 1], [])], { axis: 1 });
  const head = g.f32([hidden, vocab], randomValues(normal, hidden * vocab, 0.5));
  g.output('logits', g.op('MatMul', [last, head]), FLOAT, [1, vocab]);
  return g.encode('nano-gpt');
}
