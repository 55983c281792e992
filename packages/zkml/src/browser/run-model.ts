import type { CircuitDescription } from '../circuit/circuit-description.js';
import { InvalidZkmlInputError } from '../errors.js';

/** A tensor as onnxruntime-web returns it. */
export interface OrtTensor {
  readonly data: ArrayLike<number | bigint> | readonly string[];
}

/** An inference session of onnxruntime-web. */
export interface OrtSession {
  /** Runs the model on `feeds`, by input name; the outputs by name. */
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  /** Frees the session's memory in the wasm heap. */
  release(): Promise<void>;
}

/**
 * The parts of `onnxruntime-web` this entry uses, so that the page passes
 * the module it imported (`import * as ort from 'onnxruntime-web/wasm'`) and
 * a page that only verifies bundles none of it.
 */
export interface OnnxRuntimeWeb {
  env: {
    wasm: {
      numThreads?: number;
      proxy?: boolean;
      wasmPaths?: string | { wasm?: string | URL; mjs?: string | URL };
    };
  };
  InferenceSession: {
    /** Loads a model from its ONNX bytes. */
    create(model: Uint8Array, options?: { executionProviders?: string[] }): Promise<OrtSession>;
  };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

/** Options of {@link runModelInBrowser}. */
export interface RunModelOptions {
  /**
   * The URL of onnxruntime-web's `ort-wasm-simd-threaded.wasm`: needed when
   * the page is a bundle, which has no module URL for onnxruntime-web to
   * find the file beside. Only the binary is named, so the JavaScript glue
   * already in the bundle is used and no module is imported at run time.
   */
  wasmUrl?: string;
}

/**
 * Runs `model` on `input` with onnxruntime-web (wasm, one thread, no proxy
 * worker, so a strict CSP needs only `'wasm-unsafe-eval'`) and returns every
 * output flattened in the circuit's order: the same list a proof's decoded
 * `outputs` is, so a reader compares the proven outputs with a local run.
 *
 * @throws InvalidZkmlInputError when `input` does not fit the circuit, or an
 *   output the circuit names is missing from the run.
 */
export async function runModelInBrowser(
  ort: OnnxRuntimeWeb,
  model: Uint8Array,
  circuit: CircuitDescription,
  input: readonly number[],
  options: RunModelOptions = {},
): Promise<number[]> {
  const { inputs, outputs, inputSize } = circuit.metadata;
  if (input.length !== inputSize)
    throw new InvalidZkmlInputError(
      'input',
      `has ${input.length} values; the model takes ${inputSize}`,
    );
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  if (options.wasmUrl !== undefined) ort.env.wasm.wasmPaths = { wasm: options.wasmUrl };
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const feeds: Record<string, OrtTensor> = {};
    let offset = 0;
    for (const { name, dims } of inputs) {
      const size = dims.reduce((a, b) => a * b, 1);
      feeds[name] = new ort.Tensor(
        'float32',
        Float32Array.from(input.slice(offset, offset + size)),
        dims,
      );
      offset += size;
    }
    const results = await session.run(feeds);
    return outputs.flatMap(({ name }) => {
      const tensor = results[name];
      if (!tensor) throw new InvalidZkmlInputError('model', `has no output ${name}`);
      return Array.from(tensor.data as ArrayLike<number>, Number);
    });
  } finally {
    await session.release();
  }
}
