import onnxProto from 'onnx-proto';
import { MalformedOnnxError, UnsupportedOnnxOpError } from '../errors.js';
import type { DenseLayer, Mlp, MlpLayer } from './mlp.js';

const { onnx } = onnxProto;
type TensorProto = import('onnx-proto').onnx.ITensorProto;
type NodeProto = import('onnx-proto').onnx.INodeProto;

/** A float tensor as numbers, with its dims. */
interface Tensor {
  dims: number[];
  values: number[];
}

function tensorValues(tensor: TensorProto, field: string): Tensor {
  const dims = (tensor.dims ?? []).map(Number);
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new MalformedOnnxError(
      `${field}.dataType`,
      `is ${tensor.dataType}; only float32 weights are supported`,
    );
  }
  let values: number[];
  if (tensor.floatData && tensor.floatData.length > 0) values = Array.from(tensor.floatData);
  else if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
  } else values = [];
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new MalformedOnnxError(
      field,
      `holds ${values.length} values but its dims ${JSON.stringify(dims)} need ${expected}`,
    );
  }
  return { dims, values };
}

/** Rows of a 2-D tensor, transposed when `transpose` (so the result is always `[out][in]`). */
function asWeights(tensor: Tensor, transpose: boolean, field: string): number[][] {
  if (tensor.dims.length !== 2)
    throw new MalformedOnnxError(field, `must be 2-D, has dims ${JSON.stringify(tensor.dims)}`);
  const [rows = 0, cols = 0] = tensor.dims;
  const at = (r: number, c: number) => tensor.values[r * cols + c] ?? 0;
  return transpose
    ? Array.from({ length: cols }, (_, c) => Array.from({ length: rows }, (_, r) => at(r, c)))
    : Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => at(r, c)));
}

function attribute(node: NodeProto, name: string): number | undefined {
  const attr = (node.attribute ?? []).find((a) => a.name === name);
  if (!attr) return undefined;
  return attr.f !== undefined && attr.f !== null && attr.f !== 0 ? attr.f : Number(attr.i ?? 0);
}

/**
 * Reads an ONNX model that is a multilayer perceptron: a chain from its one
 * input to its one output of Gemm, MatMul (optionally followed by Add of a
 * bias), Relu, and Flatten/Reshape (which leave a flat vector flat). Weights
 * must be float32 initializers. Anything else is a typed error naming the
 * operator or field, so a user knows what to change.
 */
export function parseOnnxMlp(bytes: Uint8Array): Mlp {
  let model: ReturnType<typeof onnx.ModelProto.decode>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new MalformedOnnxError('file', `is not an ONNX protobuf (${(error as Error).message})`, {
      cause: error,
    });
  }
  const graph = model.graph;
  if (!graph) throw new MalformedOnnxError('graph', 'is missing');
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  if (inputs.length !== 1)
    throw new MalformedOnnxError(
      'graph.input',
      `must be exactly one non-weight input, found ${inputs.length}`,
    );
  if ((graph.output ?? []).length !== 1)
    throw new MalformedOnnxError(
      'graph.output',
      `must be exactly one, found ${(graph.output ?? []).length}`,
    );
  const inputName = inputs[0]?.name ?? '';
  const outputName = graph.output?.[0]?.name ?? '';
  const inputDims = (inputs[0]?.type?.tensorType?.shape?.dim ?? []).map((d) =>
    Number(d.dimValue ?? 0),
  );
  const inputSize = inputDims.slice(1).reduce((a, b) => a * (b || 1), 1);

  const weight = (name: string, field: string): Tensor => {
    const tensor = initializers.get(name);
    if (!tensor)
      throw new MalformedOnnxError(
        field,
        `names '${name}', which is not an initializer (weights must be constants)`,
      );
    return tensorValues(tensor, `initializer '${name}'`);
  };

  const layers: MlpLayer[] = [];
  let current = inputName;
  let width = inputSize;
  const nodes = graph.node ?? [];
  for (let k = 0; k < nodes.length; k += 1) {
    const node = nodes[k] as NodeProto;
    const label = node.name || `#${k}`;
    const [first = '', second = '', third] = node.input ?? [];
    if (first !== current) {
      throw new UnsupportedOnnxOpError(
        node.opType ?? '?',
        label,
        `it reads '${first}', but only a single chain from '${inputName}' is supported`,
      );
    }
    switch (node.opType) {
      case 'Gemm': {
        if ((attribute(node, 'transA') ?? 0) !== 0)
          throw new UnsupportedOnnxOpError('Gemm', label, 'transA=1');
        for (const name of ['alpha', 'beta'] as const) {
          const value = attribute(node, name);
          if (value !== undefined && value !== 1)
            throw new UnsupportedOnnxOpError('Gemm', label, `${name}=${value}`);
        }
        // ONNX Gemm computes A·B; with transB=1, B is stored [out][in] already.
        const weights = asWeights(
          weight(second, `node '${label}'.input[1]`),
          (attribute(node, 'transB') ?? 0) === 0,
          `node '${label}'.B`,
        );
        const bias = third
          ? weight(third, `node '${label}'.input[2]`).values
          : new Array<number>(weights.length).fill(0);
        layers.push(checkedDense({ kind: 'dense', weights, bias }, width, label));
        break;
      }
      case 'MatMul': {
        const weights = asWeights(
          weight(second, `node '${label}'.input[1]`),
          true,
          `node '${label}'.B`,
        );
        let bias = new Array<number>(weights.length).fill(0);
        const next = nodes[k + 1];
        if (
          next?.opType === 'Add' &&
          next.input?.[0] === node.output?.[0] &&
          next.input?.[1] &&
          initializers.has(next.input[1])
        ) {
          bias = weight(next.input[1], `node '${next.name || `#${k + 1}`}'.input[1]`).values;
          k += 1;
          current = next.output?.[0] ?? '';
          layers.push(checkedDense({ kind: 'dense', weights, bias }, width, label));
          width = weights.length;
          continue;
        }
        layers.push(checkedDense({ kind: 'dense', weights, bias }, width, label));
        break;
      }
      case 'Relu':
        layers.push({ kind: 'relu' });
        break;
      case 'Flatten':
      case 'Reshape':
        // The input is already one flat vector per sample; these only restate that.
        break;
      case 'Add':
        throw new UnsupportedOnnxOpError(
          'Add',
          label,
          'only a bias Add directly after MatMul is supported',
        );
      default:
        throw new UnsupportedOnnxOpError(node.opType ?? '(none)', label);
    }
    const last = layers[layers.length - 1];
    if (node.opType === 'Gemm' || node.opType === 'MatMul')
      width = (last as DenseLayer).weights.length;
    current = node.output?.[0] ?? '';
  }
  if (current !== outputName)
    throw new MalformedOnnxError(
      'graph.output',
      `is '${outputName}', but the chain ends at '${current}'`,
    );
  if (!layers.some((l) => l.kind === 'dense'))
    throw new MalformedOnnxError('graph.node', 'holds no dense layer');
  return { inputSize, outputSize: width, layers };
}

function checkedDense(layer: DenseLayer, width: number, label: string): DenseLayer {
  const inWidth = layer.weights[0]?.length ?? 0;
  if (width > 0 && inWidth !== width) {
    throw new MalformedOnnxError(
      `node '${label}' weights`,
      `take ${inWidth} inputs, but the previous layer gives ${width}`,
    );
  }
  if (layer.bias.length !== layer.weights.length) {
    throw new MalformedOnnxError(
      `node '${label}' bias`,
      `has ${layer.bias.length} values for ${layer.weights.length} outputs`,
    );
  }
  return layer;
}
