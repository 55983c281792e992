import onnxProto from 'onnx-proto';

/** The generated ONNX protobuf classes. */
export const { onnx } = onnxProto;

/** A tensor dimension: a fixed size, or a symbolic name such as `batch_size`. */
export function dimension(size: number | string) {
  return typeof size === 'number'
    ? onnx.TensorShapeProto.Dimension.create({ dimValue: size })
    : onnx.TensorShapeProto.Dimension.create({ dimParam: size });
}

/** A graph input or output of element type `elemType` and the given shape. */
export function valueInfo(name: string, elemType: number, dims: (number | string)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({ dim: dims.map(dimension) }),
      }),
    }),
  });
}

/** A float32 initializer. */
export function floatTensor(name: string, dims: number[], values: number[]) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT,
    floatData: values,
  });
}

/** Serialises a one-graph model at opset 17. */
export function encodeModel(graph: ReturnType<typeof onnx.GraphProto.create>): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mt-models-tests',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
