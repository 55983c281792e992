import onnxProto from 'onnx-proto';
import type { Mlp } from '../onnx/mlp.js';

const { onnx } = onnxProto;

/**
 * Writes an {@link Mlp} as an ONNX model (opset 17): each dense layer a Gemm
 * with `transB = 1` (weights stored `[out][in]`), each ReLU a Relu; input
 * `input` of shape `[N, inputSize]`, output `logits`.
 */
export function exportMlpToOnnx(model: Mlp, name = 'mlp'): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const nodes: ReturnType<typeof onnx.NodeProto.create>[] = [];
  const initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  let current = 'input';
  model.layers.forEach((layer, index) => {
    const output = index === model.layers.length - 1 ? 'logits' : `h${index}`;
    if (layer.kind === 'relu') {
      nodes.push(
        onnx.NodeProto.create({
          name: `relu${index}`,
          opType: 'Relu',
          input: [current],
          output: [output],
        }),
      );
    } else {
      const w = `W${index}`;
      const b = `b${index}`;
      initializers.push(
        onnx.TensorProto.create({
          name: w,
          dims: [layer.weights.length, layer.weights[0]?.length ?? 0],
          dataType: FLOAT,
          floatData: layer.weights.flat(),
        }),
        onnx.TensorProto.create({
          name: b,
          dims: [layer.bias.length],
          dataType: FLOAT,
          floatData: layer.bias,
        }),
      );
      nodes.push(
        onnx.NodeProto.create({
          name: `dense${index}`,
          opType: 'Gemm',
          input: [current, w, b],
          output: [output],
          attribute: [
            onnx.AttributeProto.create({
              name: 'transB',
              type: onnx.AttributeProto.AttributeType.INT,
              i: 1,
            }),
          ],
        }),
      );
    }
    current = output;
  });
  const io = (ioName: string, size: number) =>
    onnx.ValueInfoProto.create({
      name: ioName,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: [
              onnx.TensorShapeProto.Dimension.create({ dimParam: 'N' }),
              onnx.TensorShapeProto.Dimension.create({ dimValue: size }),
            ],
          }),
        }),
      }),
    });
  const encoded = onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@mt/zkml',
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
      graph: onnx.GraphProto.create({
        name,
        node: nodes,
        initializer: initializers,
        input: [io('input', model.inputSize)],
        output: [io('logits', model.outputSize)],
      }),
    }),
  ).finish();
  return encoded;
}
