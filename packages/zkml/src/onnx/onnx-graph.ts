import onnxProto from 'onnx-proto';
import { MalformedOnnxError } from '../errors.js';
import { sizeOf, type Tensor } from '../graph/tensor.js';

const { onnx } = onnxProto;
type TensorProto = import('onnx-proto').onnx.ITensorProto;
type AttributeProto = import('onnx-proto').onnx.IAttributeProto;
const DataType = onnx.TensorProto.DataType;

/** The element kind of a constant tensor: what Cast and the shape ops need to know. */
export type ElementKind = 'float' | 'int' | 'bool';

/** A constant tensor read from the model, in float64. */
export interface ConstantTensor extends Tensor<number> {
  kind: ElementKind;
}

/** One attribute of a node, as ONNX stores it. */
export interface OnnxAttribute {
  i?: number;
  f?: number;
  s?: string;
  ints?: number[];
  floats?: number[];
  strings?: string[];
  t?: ConstantTensor;
}

/** One node of the graph. */
export interface OnnxNode {
  /** The node's name, or `#k` (its position) when it has none. */
  name: string;
  op: string;
  /** The operator set domain: '' (ai.onnx) or e.g. 'ai.onnx.ml'. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output. */
export interface OnnxValue {
  name: string;
  /** Fixed dims; a symbolic dim (a batch size) is taken as 1. */
  dims: number[];
  kind: ElementKind;
}

/** A decoded ONNX model: its inputs, outputs, constants and nodes. */
export interface OnnxGraph {
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  /** Initializers by name. */
  constants: Map<string, ConstantTensor>;
  nodes: OnnxNode[];
  /** The default-domain opset the model imports. */
  opset: number;
}

/** Bounds the decoder enforces before reading a model. */
export interface OnnxLimits {
  /** Largest file (default 256 MiB). */
  maxBytes?: number;
  /** Most nodes (default 100 000). */
  maxNodes?: number;
  /** Most elements of one tensor (default 2^26). */
  maxTensorElements?: number;
}

const integerTypes = new Set<number>([
  DataType.INT8,
  DataType.UINT8,
  DataType.INT16,
  DataType.UINT16,
  DataType.INT32,
  DataType.UINT32,
  DataType.INT64,
  DataType.UINT64,
]);

function kindOf(type: number, field: string): ElementKind {
  if (type === DataType.FLOAT || type === DataType.DOUBLE || type === DataType.FLOAT16)
    return 'float';
  if (type === DataType.BOOL) return 'bool';
  if (integerTypes.has(type)) return 'int';
  throw new MalformedOnnxError(
    field,
    `has element type ${type}; only float, double, float16, integers and bool are supported`,
  );
}

function long(value: unknown): number {
  if (typeof value === 'object' && value !== null && 'toNumber' in value)
    return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function rawValues(raw: Uint8Array, type: number, count: number, field: string): number[] {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const readers: Record<number, [number, (at: number) => number]> = {
    [DataType.FLOAT]: [4, (at) => view.getFloat32(at, true)],
    [DataType.DOUBLE]: [8, (at) => view.getFloat64(at, true)],
    [DataType.FLOAT16]: [2, (at) => float16(view.getUint16(at, true))],
    [DataType.INT8]: [1, (at) => view.getInt8(at)],
    [DataType.UINT8]: [1, (at) => view.getUint8(at)],
    [DataType.BOOL]: [1, (at) => view.getUint8(at)],
    [DataType.INT16]: [2, (at) => view.getInt16(at, true)],
    [DataType.UINT16]: [2, (at) => view.getUint16(at, true)],
    [DataType.INT32]: [4, (at) => view.getInt32(at, true)],
    [DataType.UINT32]: [4, (at) => view.getUint32(at, true)],
    [DataType.INT64]: [8, (at) => Number(view.getBigInt64(at, true))],
    [DataType.UINT64]: [8, (at) => Number(view.getBigUint64(at, true))],
  };
  const reader = readers[type];
  if (!reader) throw new MalformedOnnxError(field, `has raw data of unsupported type ${type}`);
  const [width, read] = reader;
  if (raw.byteLength !== width * count)
    throw new MalformedOnnxError(
      field,
      `holds ${raw.byteLength} bytes, but its dims need ${width * count}`,
    );
  const values = new Array<number>(count);
  for (let k = 0; k < count; k += 1) values[k] = read(k * width);
  return values;
}

const utf8 = new TextDecoder();

/**
 * Decodes one TensorProto into float64 values. Not exported: onnx-proto's
 * declarations name a global `Long` that a user's type-check cannot resolve,
 * so no public declaration may mention an onnx-proto type.
 *
 * @throws MalformedOnnxError for external data, unsupported types, or a
 *   value count that does not match the dims.
 */
function decodeTensor(tensor: TensorProto, field: string, maxElements = 2 ** 26): ConstantTensor {
  const dims = (tensor.dims ?? []).map(long);
  if (dims.some((d) => !Number.isInteger(d) || d < 0))
    throw new MalformedOnnxError(`${field}.dims`, `must be non-negative integers, got ${dims}`);
  const count = sizeOf(dims);
  if (count > maxElements)
    throw new MalformedOnnxError(
      field,
      `has ${count} elements, more than the ${maxElements} allowed`,
    );
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)
    throw new MalformedOnnxError(
      field,
      'keeps its data in an external file; save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))',
    );
  const type = tensor.dataType ?? 0;
  const kind = kindOf(type, `${field}.dataType`);
  let values: number[];
  if (tensor.rawData && tensor.rawData.length > 0)
    values = rawValues(tensor.rawData, type, count, field);
  else if (type === DataType.FLOAT) values = Array.from(tensor.floatData ?? []);
  else if (type === DataType.DOUBLE) values = Array.from(tensor.doubleData ?? []);
  else if (type === DataType.INT64) values = (tensor.int64Data ?? []).map(long);
  else if (type === DataType.UINT64 || type === DataType.UINT32)
    values = (tensor.uint64Data ?? []).map(long);
  else if (type === DataType.FLOAT16) values = (tensor.int32Data ?? []).map(float16);
  else values = Array.from(tensor.int32Data ?? []);
  if (values.length !== count)
    throw new MalformedOnnxError(
      field,
      `holds ${values.length} values but its dims ${JSON.stringify(dims)} need ${count}`,
    );
  return { dims, data: values, kind };
}

function decodeAttribute(
  attribute: AttributeProto,
  field: string,
  maxElements: number,
): OnnxAttribute {
  const out: OnnxAttribute = {};
  const type = attribute.type ?? 0;
  const T = onnx.AttributeProto.AttributeType;
  if (type === T.INT) out.i = long(attribute.i ?? 0);
  else if (type === T.FLOAT) out.f = attribute.f ?? 0;
  else if (type === T.STRING) out.s = utf8.decode(attribute.s ?? new Uint8Array());
  else if (type === T.INTS) out.ints = (attribute.ints ?? []).map(long);
  else if (type === T.FLOATS) out.floats = Array.from(attribute.floats ?? []);
  else if (type === T.STRINGS) out.strings = (attribute.strings ?? []).map((b) => utf8.decode(b));
  else if (type === T.TENSOR && attribute.t) out.t = decodeTensor(attribute.t, field, maxElements);
  else if (type === T.UNDEFINED) {
    // Old exporters leave the type out; take whichever field is set.
    if (attribute.ints?.length) out.ints = attribute.ints.map(long);
    else if (attribute.floats?.length) out.floats = Array.from(attribute.floats);
    else if (attribute.f) out.f = attribute.f;
    else out.i = long(attribute.i ?? 0);
  }
  return out;
}

function valueInfoOf(info: import('onnx-proto').onnx.IValueInfoProto, field: string): OnnxValue {
  const tensorType = info.type?.tensorType;
  if (!tensorType)
    throw new MalformedOnnxError(
      field,
      "is not a tensor (sequences and maps are not supported; sklearn-onnx writes its probabilities as a map unless converted with options={id(model): {'zipmap': False}})",
    );
  const dims = (tensorType.shape?.dim ?? []).map((d) => {
    const value = d.dimValue === undefined || d.dimValue === null ? 0 : long(d.dimValue);
    return value > 0 ? value : 1;
  });
  return {
    name: info.name ?? '',
    dims,
    kind: kindOf(tensorType.elemType ?? 1, `${field}.elemType`),
  };
}

/**
 * Decodes an ONNX model into an {@link OnnxGraph}, after checking its size.
 * It checks structure only; which operators a circuit can compute is the
 * lowering's question, and it reports every node it cannot take at once.
 *
 * @throws MalformedOnnxError
 */
export function decodeOnnxGraph(bytes: Uint8Array, limits: OnnxLimits = {}): OnnxGraph {
  const maxBytes = limits.maxBytes ?? 256 * 2 ** 20;
  const maxNodes = limits.maxNodes ?? 100_000;
  const maxElements = limits.maxTensorElements ?? 2 ** 26;
  if (bytes.byteLength > maxBytes)
    throw new MalformedOnnxError(
      'file',
      `is ${bytes.byteLength} bytes, more than the ${maxBytes} allowed`,
    );
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
  const nodeProtos = graph.node ?? [];
  if (nodeProtos.length > maxNodes)
    throw new MalformedOnnxError(
      'graph.node',
      `has ${nodeProtos.length} nodes, more than ${maxNodes}`,
    );
  const constants = new Map<string, ConstantTensor>();
  for (const [k, t] of (graph.initializer ?? []).entries())
    constants.set(t.name ?? '', decodeTensor(t, `initializer '${t.name ?? `#${k}`}'`, maxElements));
  const inputs = (graph.input ?? [])
    .filter((i) => !constants.has(i.name ?? ''))
    .map((i, k) => valueInfoOf(i, `graph.input[${k}] '${i.name ?? ''}'`));
  // No runtime input is allowed: a graph of constants only (an `arange`, a
  // table) proves its outputs, with an empty input.
  const outputs = (graph.output ?? []).map((o, k) =>
    valueInfoOf(o, `graph.output[${k}] '${o.name ?? ''}'`),
  );
  if (outputs.length === 0) throw new MalformedOnnxError('graph.output', 'is empty');
  const nodes = nodeProtos.map((node, k): OnnxNode => {
    const name = node.name || `#${k}`;
    const attributes = new Map<string, OnnxAttribute>();
    for (const a of node.attribute ?? [])
      attributes.set(a.name ?? '', decodeAttribute(a, `node '${name}'.${a.name}`, maxElements));
    return {
      name,
      op: node.opType ?? '',
      domain: node.domain ?? '',
      inputs: [...(node.input ?? [])],
      outputs: [...(node.output ?? [])],
      attributes,
    };
  });
  const opset = long(
    (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')
      ?.version ?? 17,
  );
  return { inputs, outputs, constants, nodes, opset };
}
