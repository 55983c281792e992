import { writeFile } from 'node:fs/promises';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

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
  const inputs = weights.length;
  const outputs = bias.length;
  const tensor = (name: string, dims: number[], values: number[]) =>
    onnx.TensorProto.create({
      name,
      dims,
      dataType: onnx.TensorProto.DataType.FLOAT,
      floatData: values,
    });
  const valueInfo = (name: string, dims: number[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })),
          }),
        }),
      }),
    });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mt-models-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph: onnx.GraphProto.create({
      name: 'linear',
      node: [
        onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'W'], output: ['xw'] }),
        onnx.NodeProto.create({ opType: 'Add', input: ['xw', 'b'], output: ['y'] }),
      ],
      initializer: [tensor('W', [inputs, outputs], weights.flat()), tensor('b', [outputs], bias)],
      input: [valueInfo('x', [1, inputs])],
      output: [valueInfo('y', [1, outputs])],
    }),
  });
  await writeFile(path, onnx.ModelProto.encode(model).finish());
}
