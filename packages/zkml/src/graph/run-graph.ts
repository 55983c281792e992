import { type UnsupportedNode, UnsupportedOnnxOpError } from '../errors.js';
import type { ElementKind, OnnxGraph, OnnxNode } from '../onnx/onnx-graph.js';
import type { Algebra } from './algebra.js';
import { type Kernel, type KernelContext, NodeRefusal, refuse } from './kernel.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { linearKernels } from './kernels/linear.js';
import { mlLinearKernels } from './kernels/ml-linear.js';
import { mlTreeKernels } from './kernels/ml-trees.js';
import { normalizationKernels } from './kernels/normalization.js';
import { poolKernels } from './kernels/pool.js';
import { recurrentKernels } from './kernels/recurrent.js';
import { resizeKernels } from './kernels/resize.js';
import { shapeKernels } from './kernels/shape.js';
import { softmaxKernels } from './kernels/softmax.js';
import type { Tensor } from './tensor.js';

/** Every operator a circuit can compute, by ONNX name (default domain). */
export const kernels: Readonly<Record<string, Kernel>> = {
  ...shapeKernels,
  ...elementwiseKernels,
  ...linearKernels,
  ...poolKernels,
  ...softmaxKernels,
  ...normalizationKernels,
  ...recurrentKernels,
  ...resizeKernels,
};

/** The `ai.onnx.ml` operator set domain, whose operators sklearn-onnx writes. */
const ML_DOMAIN = 'ai.onnx.ml';

/** The `ai.onnx.ml` operators a circuit can compute, by name. */
const mlKernels: Readonly<Record<string, Kernel>> = { ...mlLinearKernels, ...mlTreeKernels };

/**
 * The operators a circuit can compute, sorted: those of the default domain
 * by name, those of `ai.onnx.ml` as `ai.onnx.ml.Name`. What an error lists
 * as supported.
 */
export const supportedOps: readonly string[] = [
  ...Object.keys(kernels),
  ...Object.keys(mlKernels).map((op) => `${ML_DOMAIN}.${op}`),
].sort();

/** The kernel of a node, or a refusal saying why there is none. */
function kernelOf(node: OnnxNode): Kernel {
  if (node.domain === ML_DOMAIN)
    return mlKernels[node.op] ?? refuse(`this ${ML_DOMAIN} operator is not supported`);
  if (node.domain !== '' && node.domain !== 'ai.onnx')
    refuse(`operators of domain '${node.domain}' are not supported`);
  return kernels[node.op] ?? refuse('this operator is not supported');
}

const booleanOps = new Set([
  'Equal',
  'Greater',
  'Less',
  'GreaterOrEqual',
  'LessOrEqual',
  'And',
  'Or',
  'Not',
  'Xor',
]);
const integerOps = new Set(['Shape', 'Size', 'ArgMax']);

function castKind(to: number): ElementKind {
  if (to === 1 || to === 10 || to === 11) return 'float';
  return to === 9 ? 'bool' : 'int';
}

function outputKind(node: OnnxNode, k: number, kindOf: (name: string) => ElementKind): ElementKind {
  if (node.domain === ML_DOMAIN) return node.op.endsWith('Classifier') && k === 0 ? 'int' : 'float';
  if (booleanOps.has(node.op)) return 'bool';
  if (integerOps.has(node.op)) return 'int';
  if (node.op === 'TopK') return k === 1 ? 'int' : kindOf(node.inputs[0] ?? '');
  if (node.op === 'Cast') return castKind(node.attributes.get('to')?.i ?? 1);
  if (node.op === 'Constant' || node.op === 'ConstantOfShape') {
    const a = node.attributes;
    return a.get('value')?.t?.kind ?? (a.has('value_int') || a.has('value_ints') ? 'int' : 'float');
  }
  if (node.op === 'Where') return kindOf(node.inputs[1] ?? '');
  return kindOf(node.inputs[0] ?? '');
}

function contextFor<E>(
  node: OnnxNode,
  algebra: Algebra<E>,
  opset: number,
  value: (name: string) => Tensor<E> | undefined,
  kindOf: (name: string) => ElementKind,
): KernelContext<E> {
  const attribute = (name: string) => node.attributes.get(name);
  const optional = (k: number) => {
    const name = node.inputs[k];
    return name ? value(name) : undefined;
  };
  return {
    node,
    algebra,
    opset,
    input: (k) => optional(k) ?? refuse(`needs input ${k}`),
    optional,
    numbers(k) {
      const t = optional(k);
      if (!t) return undefined;
      return t.data.map(
        (e) =>
          algebra.valueOf(e) ??
          refuse(
            `input ${k} ('${node.inputs[k]}') must be a constant, but it is computed from the model input`,
          ),
      );
    },
    kind: (k) => kindOf(node.inputs[k] ?? ''),
    int: (name, fallback) => attribute(name)?.i ?? fallback,
    float: (name, fallback) => attribute(name)?.f ?? fallback,
    ints: (name) => attribute(name)?.ints,
    string: (name, fallback) => attribute(name)?.s ?? fallback,
    floats: (name) => attribute(name)?.floats,
    strings: (name) => attribute(name)?.strings,
  };
}

/**
 * Runs an ONNX graph over any {@link Algebra}: float numbers for the
 * reference, symbolic values to lower it into a circuit. Constants are
 * folded as they go (a node whose inputs are all constants yields constants).
 * Every node it cannot compute is collected, and all of them are reported in
 * one {@link UnsupportedOnnxOpError}; nodes that only read a refused node's
 * outputs are not listed again. `extraValues` stand in for initializers
 * (private mode's weights, as signals).
 *
 * @throws UnsupportedOnnxOpError
 */
export function runGraph<E>(
  graph: OnnxGraph,
  algebra: Algebra<E>,
  inputs: readonly Tensor<E>[],
  extraValues: ReadonlyMap<string, Tensor<E>> = new Map(),
): Tensor<E>[] {
  const values = new Map<string, Tensor<E>>();
  const kinds = new Map<string, ElementKind>();
  const refused = new Set<string>();
  const problems: UnsupportedNode[] = [];
  for (const [name, t] of graph.constants) {
    values.set(name, { dims: t.dims, data: t.data.map((v) => algebra.constant(v)) });
    kinds.set(name, t.kind);
  }
  for (const [name, t] of extraValues) {
    values.set(name, t);
    kinds.set(name, 'float');
  }
  graph.inputs.forEach((input, k) => {
    const t = inputs[k];
    if (t) values.set(input.name, t);
    kinds.set(input.name, input.kind);
  });
  const kindOf = (name: string) => kinds.get(name) ?? 'float';
  for (const node of graph.nodes) {
    if (node.inputs.some((name) => refused.has(name))) {
      for (const name of node.outputs) refused.add(name);
      continue;
    }
    try {
      const kernel = kernelOf(node);
      for (const name of node.inputs)
        if (name && !values.has(name)) refuse(`reads '${name}', which no earlier node produces`);
      const outputs = kernel(contextFor(node, algebra, graph.opset, (n) => values.get(n), kindOf));
      node.outputs.forEach((name, k) => {
        const t = outputs[k];
        if (!name) return;
        if (!t) refuse(`produces no output ${k}`);
        values.set(name, t);
        kinds.set(name, outputKind(node, k, kindOf));
      });
    } catch (error) {
      if (!(error instanceof NodeRefusal)) throw error;
      problems.push({ node: node.name, op: node.op, reason: error.message });
      for (const name of node.outputs) refused.add(name);
    }
  }
  if (problems.length > 0) throw new UnsupportedOnnxOpError(problems, supportedOps);
  return graph.outputs.map(
    (output) =>
      values.get(output.name) ??
      (() => {
        throw new UnsupportedOnnxOpError(
          [
            {
              node: '(graph)',
              op: 'output',
              reason: `output '${output.name}' is produced by no node`,
            },
          ],
          supportedOps,
        );
      })(),
  );
}
