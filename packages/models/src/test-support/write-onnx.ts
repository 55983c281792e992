import { writeFile } from 'node:fs/promises';
import { encodeModel, floatTensor, onnx, valueInfo } from './onnx-builders.js';

/**
 * Writes a real ONNX model computing `y = x · W + b` (MatMul then Add) for a
 * `[1, inputs]` float input, with the given weights, so loader tests can run
 * it through onnxruntime and check the numbers.
 */
export async function writeLinearOnnx(
  path: string,
  weights: number[][],
  bias: number[],
): Promise<void> {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const graph = onnx.GraphProto.create({
    name: 'linear',
    node: [
      onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'W'], output: ['xw'] }),
      onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['y'] }),
    ],
    initializer: [
      floatTensor('W', [weights.length, bias.length], weights.flat()),
      floatTensor('b', [bias.length], bias),
    ],
    input: [valueInfo('x', FLOAT, [1, weights.length])],
    output: [valueInfo('y', FLOAT, [1, bias.length])],
  });
  await writeFile(path, encodeModel(graph));
}
