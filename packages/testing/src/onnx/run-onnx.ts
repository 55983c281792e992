import * as ort from 'onnxruntime-node';

/** Runs an MLP ONNX model (input `input`, output `logits`) in onnxruntime on a batch of inputs. */
export async function runOnnx(bytes: Uint8Array, inputs: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(inputs.flat()), [
        inputs.length,
        inputs[0]?.length ?? 0,
      ]),
    });
    const logits = out.logits as ort.Tensor;
    const width = logits.dims[1] ?? 0;
    const values = Array.from(logits.data as Float32Array);
    return inputs.map((_, r) => values.slice(r * width, (r + 1) * width));
  } finally {
    await session.release();
  }
}

/** A float tensor fed to or read from onnxruntime. */
export interface FloatTensor {
  dims: number[];
  data: number[];
}

/** Runs any ONNX model in onnxruntime on named float inputs; returns every output by name. */
export async function runOnnxModel(
  bytes: Uint8Array,
  feeds: Record<string, FloatTensor>,
): Promise<Record<string, FloatTensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(
      Object.entries(feeds).map(([name, t]) => [
        name,
        new ort.Tensor('float32', Float32Array.from(t.data), t.dims),
      ]),
    );
    const out = await session.run(inputs);
    return Object.fromEntries(
      Object.entries(out).map(([name, t]) => [
        name,
        {
          dims: [...t.dims],
          data: Array.from(t.data as ArrayLike<number | bigint | boolean>, (v) => Number(v)),
        },
      ]),
    );
  } finally {
    await session.release();
  }
}
