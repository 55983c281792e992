import { InvalidZkmlInputError } from '../errors.js';
import { runGraph } from '../graph/run-graph.js';
import { sizeOf, type Tensor } from '../graph/tensor.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { check } from '../option-checks.js';
import { isAffine, signalValue, type Value } from './affine.js';
import { LoweringAlgebra, quantize } from './lowering-algebra.js';
import type { FixedPointProgram, PrivateTensor, ProgramInput } from './program.js';

/**
 * Whose secret the weights are. `public`: the weights are constants of the
 * circuit (a multiply-accumulate costs nothing) and the verification key
 * pins the model. `private`: the weights of dense layers and convolutions
 * are private inputs, bound by a salted Poseidon commitment.
 */
export type CircuitMode = 'public' | 'private';

/** Options of {@link lowerGraph}. */
export interface LowerOptions {
  mode?: CircuitMode;
  /** Fractional bits of the fixed-point encoding (default 8). */
  scaleBits?: number;
  /** Signed bit width of each quantised input (default `scaleBits + 8`: inputs in [−128, 128)). */
  inputBits?: number;
}

const weighted = new Set(['Gemm', 'MatMul', 'Conv', 'ConvTranspose']);

/** The initializers private mode hides: weights and biases of dense layers and convolutions, and a bias Add's constant after one. */
function privateInitializers(graph: OnnxGraph): Map<string, 'weight' | 'bias'> {
  const found = new Map<string, 'weight' | 'bias'>();
  const weightedOutputs = new Set<string>();
  for (const node of graph.nodes) {
    if (weighted.has(node.op)) {
      const [, w, b] = node.inputs;
      if (w && graph.constants.has(w)) {
        found.set(w, 'weight');
        for (const o of node.outputs) weightedOutputs.add(o);
      }
      if (b && graph.constants.has(b)) found.set(b, 'bias');
    } else if (node.op === 'Add' && node.inputs.some((i) => weightedOutputs.has(i))) {
      for (const i of node.inputs)
        if (graph.constants.has(i) && !found.has(i)) found.set(i, 'bias');
    }
  }
  return found;
}

/**
 * Lowers an ONNX graph to a fixed-point program: every graph input becomes
 * range-checked signals at scale 2^S, every operator runs once over the
 * {@link LoweringAlgebra}, and the outputs come back at scale 2^S.
 *
 * @throws UnsupportedOnnxOpError listing every node it cannot compute,
 *   InvalidZkmlInputError for bad options or values that outgrow the field.
 */
export function lowerGraph(graph: OnnxGraph, options: LowerOptions = {}): FixedPointProgram {
  const mode = options.mode ?? 'public';
  const scaleBits = options.scaleBits ?? 8;
  check.integer('scaleBits', scaleBits, 1, 24);
  const inputBits = options.inputBits ?? scaleBits + 8;
  check.integer('inputBits', inputBits, 2, 64);
  const algebra = new LoweringAlgebra(scaleBits);
  const inputs: ProgramInput[] = [];
  const inputTensors: Tensor<Value>[] = graph.inputs.map((input) => {
    const offset = algebra.signals.length;
    inputs.push({ name: input.name, dims: input.dims, offset });
    const data = Array.from({ length: sizeOf(input.dims) }, () =>
      signalValue(algebra.newSignal(scaleBits, 1n << BigInt(inputBits - 1)), scaleBits),
    );
    return { dims: input.dims, data };
  });
  const inputSize = algebra.signals.length;
  const privateTensors: PrivateTensor[] = [];
  const privateExact = new Map<number, number>();
  let lowered = graph;
  if (mode === 'private') {
    const constants = new Map(graph.constants);
    for (const [name, role] of privateInitializers(graph)) {
      const t = graph.constants.get(name);
      if (!t) continue;
      const scale = role === 'weight' ? scaleBits : 2 * scaleBits;
      const values = t.data.map((v) => quantize(v, scale));
      let max = 0n;
      for (const v of values) {
        const need = v < 0n ? -v - 1n : v;
        if (need > max) max = need;
      }
      const bits = Math.max(1, max.toString(2).length + (max === 0n ? 0 : 1));
      const signals = values.map(() => algebra.newSignal(scale, 1n << BigInt(bits - 1)));
      signals.forEach((id, i) => {
        privateExact.set(id, t.data[i] ?? 0);
      });
      privateTensors.push({ name, signals, values, bits });
      constants.delete(name);
    }
    if (privateTensors.length === 0)
      throw new InvalidZkmlInputError(
        'mode',
        'private mode needs a dense layer or convolution with constant weights to hide',
      );
    lowered = { ...graph, constants };
  }
  const privateValues = new Map(
    privateTensors.map((p) => {
      const source = graph.constants.get(p.name);
      const scale = algebra.signals[p.signals[0] ?? 0]?.scale ?? scaleBits;
      return [
        p.name,
        { dims: source?.dims ?? [], data: p.signals.map((id) => signalValue(id, scale)) },
      ];
    }),
  );
  const outputs = runGraph(lowered, algebra, inputTensors, privateValues);
  return {
    mode,
    scaleBits,
    inputBits,
    inputs,
    inputSize,
    signals: algebra.signals,
    steps: algebra.steps,
    outputs: outputs.map((t, k) => ({
      name: graph.outputs[k]?.name ?? `output${k}`,
      dims: t.dims,
      elements: t.data.map((v) => (isAffine(v) ? algebra.materialize(v) : algebra.affine(v))),
    })),
    privateTensors,
    privateExact,
  };
}
