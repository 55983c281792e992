import {
  AutoModelForCausalLM,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  random,
  StoppingCriteria,
  type Tensor,
} from '@huggingface/transformers';
import { greedyDecode } from './greedy-decode.js';

/** Sampling settings shared by every row of a generation batch. */
export interface SamplingParams {
  doSample: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  /** Seeds Transformers.js's sampler before the batch, for reproducible sampled output. */
  seed?: number;
}

/** A job for the text model worker. */
export type TextModelTask =
  | { kind: 'load'; model: string; role: 'generator' | 'reward'; allowRemote: boolean }
  | {
      kind: 'generate';
      model: string;
      prompts: string[];
      maxNewTokens: number[];
      sampling: SamplingParams;
      allowRemote: boolean;
      /** Per row, set to 1 (by the main thread, shared) when nobody waits for it any more. */
      cancelled?: Int32Array;
    }
  | { kind: 'reward'; model: string; prompts: string[]; responses: string[]; allowRemote: boolean }
  | { kind: 'count'; model: string; texts: string[]; allowRemote: boolean };

/** One generated row: the text up to the first end-of-sequence, and real token counts. */
export interface GeneratedRow {
  text: string;
  promptTokens: number;
  completionTokens: number;
  /** Whether the row ended with the model's end-of-sequence token (rather than the token limit). */
  stopped: boolean;
}

interface Loaded {
  tokenizer: PreTrainedTokenizer;
  model: PreTrainedModel;
}

const loaded = new Map<string, Promise<Loaded>>();

function load(model: string, role: 'generator' | 'reward', allowRemote: boolean): Promise<Loaded> {
  const key = `${role}:${model}`;
  let entry = loaded.get(key);
  if (!entry) {
    env.allowRemoteModels = allowRemote;
    entry = (async () => {
      const tokenizer = await AutoTokenizer.from_pretrained(model);
      const options = {
        dtype: 'fp32' as const,
        device: 'cpu' as const,
        session_options: { intraOpNumThreads: 1 },
      };
      const instance =
        role === 'generator'
          ? await AutoModelForCausalLM.from_pretrained(model, options)
          : await AutoModelForSequenceClassification.from_pretrained(model, options);
      if (role === 'generator') tokenizer.padding_side = 'left';
      return { tokenizer, model: instance };
    })();
    entry.catch(() => loaded.delete(key));
    loaded.set(key, entry);
  }
  return entry;
}

function eosIds(model: PreTrainedModel, tokenizer: PreTrainedTokenizer): Set<bigint> {
  const configured = (model.generation_config as { eos_token_id?: number | number[] } | null)
    ?.eos_token_id;
  const ids = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
  const fromTokenizer = (tokenizer as { eos_token_id?: number }).eos_token_id;
  if (fromTokenizer !== undefined) ids.push(fromTokenizer);
  return new Set(ids.map(BigInt));
}

/** Stops generation of the rows nobody waits for any more (Transformers.js stops once every row has). */
class CancelledRows extends StoppingCriteria {
  readonly #isCancelled: (row: number) => boolean;

  constructor(isCancelled: (row: number) => boolean) {
    super();
    this.#isCancelled = isCancelled;
  }

  override _call(inputIds: number[][]): boolean[] {
    return inputIds.map((_, row) => this.#isCancelled(row));
  }
}

async function generate(
  task: Extract<TextModelTask, { kind: 'generate' }>,
): Promise<GeneratedRow[]> {
  const { tokenizer, model } = await load(task.model, 'generator', task.allowRemote);
  const { sampling } = task;
  const eos = eosIds(model, tokenizer);
  const { cancelled } = task;
  const isCancelled = (row: number) =>
    cancelled !== undefined && Atomics.load(cancelled, row) === 1;
  if (!sampling.doSample) {
    const rows = await greedyDecode(
      model,
      tokenizer,
      task.prompts,
      task.maxNewTokens,
      eos,
      isCancelled,
    );
    if (rows) return rows;
  }
  const inputs = tokenizer(task.prompts, { padding: true, truncation: true });
  if (sampling.seed !== undefined) random.seed(sampling.seed);
  const output = (await model.generate({
    ...inputs,
    max_new_tokens: Math.max(...task.maxNewTokens),
    do_sample: sampling.doSample,
    ...(sampling.temperature === undefined ? {} : { temperature: sampling.temperature }),
    ...(sampling.topK === undefined ? {} : { top_k: sampling.topK }),
    ...(sampling.topP === undefined ? {} : { top_p: sampling.topP }),
    stopping_criteria: new CancelledRows(isCancelled),
  })) as Tensor;
  const [rows = 0, width = 0] = output.dims;
  const promptWidth = (inputs.input_ids as Tensor).dims[1] ?? 0;
  const ids = output.data as BigInt64Array;
  const mask = (inputs.attention_mask as Tensor).data as BigInt64Array;
  return Array.from({ length: rows }, (_, r) => {
    // Batched generation keeps going after a row's EOS until every row stops; cut each row at its own.
    const limit = task.maxNewTokens[r] ?? 0;
    const generated: bigint[] = [];
    let stopped = false;
    for (let c = promptWidth; c < width && generated.length < limit; c += 1) {
      const id = ids[r * width + c] ?? 0n;
      if (eos.has(id)) {
        stopped = true;
        break;
      }
      generated.push(id);
    }
    let promptTokens = 0;
    for (let c = 0; c < promptWidth; c += 1)
      promptTokens += Number(mask[r * promptWidth + c] ?? 0n);
    return {
      text:
        generated.length === 0
          ? ''
          : tokenizer.decode(generated.map(Number), { skip_special_tokens: true }),
      promptTokens,
      completionTokens: generated.length,
      stopped,
    };
  });
}

async function reward(task: Extract<TextModelTask, { kind: 'reward' }>): Promise<number[]> {
  const { tokenizer, model } = await load(task.model, 'reward', task.allowRemote);
  const inputs = tokenizer(task.prompts, {
    text_pair: task.responses,
    padding: true,
    truncation: true,
  });
  const { logits } = (await model(inputs)) as { logits: Tensor };
  const width = logits.dims[1] ?? 1;
  const values = logits.data as Float32Array;
  return task.prompts.map((_, r) => values[r * width] ?? Number.NaN);
}

/** Runs one job in a pool thread; models stay loaded between jobs. */
export default async function runTextModelTask(
  task: TextModelTask,
): Promise<GeneratedRow[] | number[] | null> {
  if (task.kind === 'load') {
    const { model } = await load(task.model, task.role, task.allowRemote);
    if (task.role !== 'generator') return null;
    // The context a prompt and its answer must fit in, by whichever name the architecture uses.
    const config = model.config as {
      max_position_embeddings?: unknown;
      n_positions?: unknown;
      n_ctx?: unknown;
    };
    const context = [config.max_position_embeddings, config.n_positions, config.n_ctx].find(
      (value): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0,
    );
    return context === undefined ? null : [context];
  }
  if (task.kind === 'count') {
    const { tokenizer } = await load(task.model, 'generator', task.allowRemote);
    return task.texts.map((text) => tokenizer.encode(text, { add_special_tokens: false }).length);
  }
  return task.kind === 'generate' ? generate(task) : reward(task);
}
