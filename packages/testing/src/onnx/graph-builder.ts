import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
/** A node attribute as the builder takes it: an INT, INTS, FLOAT, FLOATS, STRING or STRINGS. */
export type Attribute =
  | number
  | number[]
  | { float: number }
  | { floats: number[] }
  | { string: string }
  | { strings: string[] };

/** The operator set domain of sklearn-onnx's traditional-ML operators. */
export const ML_DOMAIN = 'ai.onnx.ml';

const utf8 = new TextEncoder();

/** One attribute as an AttributeProto of the type its value's shape says. */
function attributeProto(name: string, value: Attribute) {
  const T = onnx.AttributeProto.AttributeType;
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, ints: value, type: T.INTS });
  if (typeof value === 'number') return onnx.AttributeProto.create({ name, i: value, type: T.INT });
  if ('float' in value) return onnx.AttributeProto.create({ name, f: value.float, type: T.FLOAT });
  if ('floats' in value)
    return onnx.AttributeProto.create({ name, floats: value.floats, type: T.FLOATS });
  if ('strings' in value)
    return onnx.AttributeProto.create({
      name,
      strings: value.strings.map((v) => utf8.encode(v)),
      type: T.STRINGS,
    });
  return onnx.AttributeProto.create({ name, s: utf8.encode(value.string), type: T.STRING });
}

/** ONNX element types used by the generated models. */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
/** 64-bit integer element type. */
export const INT64 = onnx.TensorProto.DataType.INT64;

/**
 * The one ONNX graph builder of the tests and the demo: named inputs,
 * outputs, initializers and nodes, with fresh names for intermediate values.
 * Enough for the generated test models; real models come from exporters.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const x = g.input('input', FLOAT, ['N', 3]);
 * g.op('Relu', [x], {}, 'logits');
 * g.output('logits', 'logits', FLOAT, ['N', 3]);
 * const bytes = g.encode('relu');
 * ```
 */
export class GraphBuilder {
  readonly #nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  readonly #initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  readonly #inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  readonly #outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  #counter = 0;
  #usesMl = false;

  #valueInfo(name: string, elemType: number, dims: (number | string)[]) {
    return onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) =>
              typeof d === 'number'
                ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
                : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
            ),
          }),
        }),
      }),
    });
  }

  /** Declares a graph input; symbolic dims are names such as `batch_size`. */
  input(name: string, elemType: number, dims: (number | string)[]): string {
    this.#inputs.push(this.#valueInfo(name, elemType, dims));
    return name;
  }

  /**
   * Declares a graph output produced by the value `from`; when `from` has
   * another name, an `Identity` node renames it.
   */
  output(name: string, from: string, elemType: number, dims: (number | string)[]): void {
    if (from !== name) this.op('Identity', [from], {}, name);
    this.#outputs.push(this.#valueInfo(name, elemType, dims));
  }

  /**
   * Declares a classifier's two outputs as sklearn-onnx names them: `label`
   * (int64 [1]) and `probabilities` (float [1, classes]).
   */
  classifierOutputs(label: string, scores: string, classes: number): void {
    this.output('label', label, INT64, [1]);
    this.output('probabilities', scores, FLOAT, [1, classes]);
  }

  /** A float32 initializer. */
  f32(dims: number[], values: Float32Array, name = this.#fresh('w')): string {
    this.#initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: FLOAT,
        rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      }),
    );
    return name;
  }

  /** A float64 initializer (exporters write them for double-precision models). */
  f64(dims: number[], values: Float64Array): string {
    const name = this.#fresh('d');
    this.#initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: onnx.TensorProto.DataType.DOUBLE,
        rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
      }),
    );
    return name;
  }

  /** An int64 initializer (a constant such as a shape or an axis list). */
  i64(values: number[], dims: number[] = [values.length]): string {
    const name = this.#fresh('c');
    this.#initializers.push(
      onnx.TensorProto.create({ name, dims, dataType: INT64, int64Data: values }),
    );
    return name;
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.f32([], Float32Array.of(value), this.#fresh('s'));
  }

  /** Adds a node and returns the name of its (first) output. */
  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, Attribute> = {},
    output?: string,
  ): string {
    return this.opMulti(opType, inputs, 1, attributes, output ? [output] : undefined)[0] ?? '';
  }

  /**
   * Adds a node of the `ai.onnx.ml` domain (opset 3, as sklearn-onnx
   * writes them: TreeEnsembleClassifier, LinearRegressor, Scaler, …) with
   * `outputs` outputs, and returns their names.
   */
  mlOp(
    opType: string,
    inputs: string[],
    outputs: number,
    attributes: Record<string, Attribute> = {},
  ): string[] {
    const names = this.opMulti(opType, inputs, outputs, attributes);
    const node = this.#nodes.at(-1);
    if (node) node.domain = ML_DOMAIN;
    this.#usesMl = true;
    return names;
  }

  /** Adds a node with `outputs` outputs and returns their names. */
  opMulti(
    opType: string,
    inputs: string[],
    outputs: number,
    attributes: Record<string, Attribute> = {},
    names?: string[],
  ): string[] {
    const out = names ?? Array.from({ length: outputs }, () => this.#fresh(opType.toLowerCase()));
    this.#nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: out,
        attribute: Object.entries(attributes).map(([name, value]) => attributeProto(name, value)),
      }),
    );
    return out;
  }

  #fresh(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_${this.#counter}`;
  }

  /** Serialises the model (IR 8, default-domain opset 17 unless `opset` says otherwise). */
  encode(name: string, opset = 17): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: '@mt/testing',
      opsetImport: [
        onnx.OperatorSetIdProto.create({ domain: '', version: opset }),
        ...(this.#usesMl
          ? [onnx.OperatorSetIdProto.create({ domain: ML_DOMAIN, version: 3 })]
          : []),
      ],
      graph: onnx.GraphProto.create({
        name,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** A seeded normal generator (mulberry32 + Box–Muller), so generated models are byte-identical per seed. */
export function seededNormal(seed: number): (std: number) => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (std) => {
    const u = Math.max(uniform(), 1e-12);
    return std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
