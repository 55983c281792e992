import { loadPeer } from '@mt/protocol';
import type { ModelLoader } from './model-loader.js';

/** Which Transformers.js class loads the model. */
export type TransformersModelClass =
  | 'AutoModel'
  | 'AutoModelForCausalLM'
  | 'AutoModelForSequenceClassification';

/** A Transformers.js model and its tokenizer, as the loader returns them. */
export interface TransformersModel {
  /** The model's tokenizer: text to input ids. */
  tokenizer: (
    text: string | string[],
    options?: Record<string, unknown>,
  ) => Record<string, unknown>;
  /** The model: inputs to outputs. */
  model: ((inputs: Record<string, unknown>) => Promise<Record<string, unknown>>) & {
    /** Frees the model's sessions. */
    dispose(): Promise<unknown>;
  };
}

/**
 * Loads a model folder in the Transformers.js layout (`config.json`,
 * `tokenizer.json`, `tokenizer_config.json`, `onnx/model.onnx`) with
 * `@huggingface/transformers`, imported on first use. Remote downloads are
 * turned off for the process (`env.allowRemoteModels = false`): a stored
 * version must load from its own verified files, never from a hub.
 */
export function transformersLoader(
  options: { modelClass?: TransformersModelClass; dtype?: 'fp32' | 'fp16' | 'q8' } = {},
): ModelLoader<TransformersModel> {
  return {
    async load(dir) {
      const transformers = await loadPeer({
        name: '@huggingface/transformers',
        range: '>=3.0.0',
        feature: 'Loading Transformers.js models',
        load: () => import('@huggingface/transformers'),
      });
      transformers.env.allowRemoteModels = false;
      transformers.env.allowLocalModels = true;
      const modelClass = transformers[options.modelClass ?? 'AutoModel'];
      const [tokenizer, model] = await Promise.all([
        transformers.AutoTokenizer.from_pretrained(dir),
        modelClass.from_pretrained(dir, { dtype: options.dtype ?? 'fp32', device: 'cpu' }),
      ]);
      return { tokenizer, model } as unknown as TransformersModel;
    },
    dispose: async ({ model }) => {
      await model.dispose();
    },
  };
}
