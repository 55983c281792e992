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
