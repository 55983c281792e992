import type {
  PreTrainedModel,
  PreTrainedTokenizer,
  Tensor as TjsTensor,
} from '@huggingface/transformers';
import * as ort from 'onnxruntime-node';
import type { GeneratedRow } from './text-model-worker.js';

interface InputMeta {
  name: string;
  type?: string;
  shape?: (number | string)[];
}

interface DecoderSession {
  inputNames: string[];
  inputMetadata?: InputMeta[];
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>>;
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids', 'num_logits_to_keep']);

/** The decoder session, when its inputs follow the KV-cache contract this loop speaks; otherwise undefined. */
function decoderSession(model: PreTrainedModel): DecoderSession | undefined {
  const session = (model as unknown as { sessions?: Record<string, DecoderSession> }).sessions
    ?.model;
  if (!session?.inputMetadata || !session.inputNames.includes('input_ids')) return undefined;
  if (!session.inputNames.includes('attention_mask')) return undefined;
  const cache = session.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
  if (cache.length === 0 || cache.some((m) => m.type !== 'float32')) return undefined;
  const others = session.inputNames.filter(
    (n) => !KNOWN_INPUTS.has(n) && !n.startsWith('past_key_values.'),
  );
  return others.length === 0 ? session : undefined;
}

/** Index of the largest of `vocab` logits starting at `offset` (the first one on a tie, as Transformers.js picks). */
function argmaxRow(data: Float32Array, offset: number, vocab: number): number {
  let best = 0;
  let bestValue = data[offset] ?? Number.NEGATIVE_INFINITY;
  for (let v = 1; v < vocab; v += 1) {
    const value = data[offset + v] ?? Number.NEGATIVE_INFINITY;
    if (value > bestValue) {
      bestValue = value;
      best = v;
    }
  }
  return best;
}

/**
 * Greedy decoding straight on the model's onnxruntime session with its KV
 * cache: the same tokens Transformers.js's `generate` picks (left padding,
 * positions `cumsum(mask) − 1` with pads at 1, first index on ties; tested
 * against it), without its per-step copies and processing of every row's
 * whole-vocabulary logits, which cost more than the model itself on small
 * models. Returns undefined for a model whose inputs it does not know, so the
 * caller uses `generate`.
 */
export async function greedyDecode(
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  prompts: readonly string[],
  maxNewTokens: readonly number[],
  eos: ReadonlySet<bigint>,
  /** Rows nobody waits for any more: they stop, and the loop ends when every row has. */
  isCancelled: (row: number) => boolean = () => false,
): Promise<GeneratedRow[] | undefined> {
  const session = decoderSession(model);
  if (!session) return undefined;
  const encoded = tokenizer([...prompts], { padding: true, truncation: true });
  const promptMask = (encoded.attention_mask as TjsTensor).data as BigInt64Array;
  const rows = prompts.length;
  const width = promptMask.length / rows;
  const steps = Math.max(...maxNewTokens);

  const positions = new BigInt64Array(rows * width);
  const promptTokens: number[] = [];
  for (let r = 0; r < rows; r += 1) {
    let seen = 0;
    for (let c = 0; c < width; c += 1) {
      const real = promptMask[r * width + c] === 1n;
      positions[r * width + c] = real ? BigInt(seen) : 1n;
      if (real) seen += 1;
    }
    promptTokens.push(seen);
  }
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor(
      'int64',
      BigInt64Array.from((encoded.input_ids as TjsTensor).data as BigInt64Array),
      [rows, width],
    ),
  };
  const usesPositions = session.inputNames.includes('position_ids');
  if (usesPositions) feeds.position_ids = new ort.Tensor('int64', positions, [rows, width]);
  if (session.inputNames.includes('num_logits_to_keep')) {
    feeds.num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(1n), []);
  }
  for (const meta of session.inputMetadata ?? []) {
    if (!meta.name.startsWith('past_key_values.')) continue;
    // As Transformers.js does: the batch dim is the batch, every other symbolic dim starts empty.
    const shape = (meta.shape ?? []).map((d) =>
      d === 'batch_size' ? rows : typeof d === 'number' ? d : 0,
    );
    feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), shape);
  }

  let mask = BigInt64Array.from(promptMask);
  let total = width;
  const generated: number[][] = Array.from({ length: rows }, () => []);
  const stopped = new Array<boolean>(rows).fill(false);
  const finished = (r: number) =>
    stopped[r] || (generated[r]?.length ?? 0) >= (maxNewTokens[r] ?? 0) || isCancelled(r);
  for (let step = 0; step < steps; step += 1) {
    feeds.attention_mask = new ort.Tensor('int64', mask, [rows, total]);
    const out = await session.run(feeds);
    const logits = out.logits;
    if (!logits) return undefined;
    const [, kept = 1, vocab = 0] = logits.dims;
    const chosen = new BigInt64Array(rows);
    for (let r = 0; r < rows; r += 1) {
      const token = argmaxRow(logits.data as Float32Array, (r * kept + kept - 1) * vocab, vocab);
      chosen[r] = BigInt(token);
      if (finished(r)) continue;
      if (eos.has(chosen[r] ?? 0n)) stopped[r] = true;
      else generated[r]?.push(token);
    }
    if (generated.every((_, r) => finished(r))) break;
    for (const [name, tensor] of Object.entries(out)) {
      if (name.startsWith('present')) feeds[name.replace(/^present/, 'past_key_values')] = tensor;
    }
    const grown = new BigInt64Array(rows * (total + 1));
    for (let r = 0; r < rows; r += 1) {
      grown.set(mask.subarray(r * total, (r + 1) * total), r * (total + 1));
      grown[r * (total + 1) + total] = 1n;
    }
    mask = grown;
    total += 1;
    feeds.input_ids = new ort.Tensor('int64', chosen, [rows, 1]);
    if (usesPositions) {
      feeds.position_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from(promptTokens.map((p) => BigInt(p + step))),
        [rows, 1],
      );
    }
  }
  return generated.map((row, r) => ({
    // A row stopped before its first token (nobody waited for it) decodes to nothing.
    text: row.length === 0 ? '' : tokenizer.decode(row, { skip_special_tokens: true }),
    promptTokens: promptTokens[r] ?? 0,
    completionTokens: row.length,
    stopped: stopped[r] ?? false,
  }));
}
