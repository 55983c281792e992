import type { Algebra } from '../algebra.js';
import { axisOf, type Kernel, refuse } from '../kernel.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { sub } from './elementwise.js';

/**
 * `(x − mean) / √(variance + ε)` over one group of values, the variance the
 * mean of the squared deviations (as onnxruntime computes it). The circuit
 * requires `variance + ε > 0`, which ε guarantees.
 */
export function normalize<E>(A: Algebra<E>, values: E[], epsilon: number, what: string): E[] {
  const mean = A.scale(A.sum(values), 1 / values.length);
  const deviations = values.map((v) => sub(A, v, mean));
  const variance = A.scale(A.sum(deviations.map((d) => A.mul(d, d))), 1 / values.length);
  const deviation = A.sqrt(A.add(variance, A.constant(epsilon)), what);
  // |d_i| ≤ √(n · variance), so each result lies within √n: checked, so what follows is
  // sized by it (with a margin for rounding), not by every bound before.
  const limit = Math.sqrt(values.length) * 1.1 + 1;
  return deviations.map((d) =>
    A.within(A.dividePositive(d, deviation), limit, `${what}, within √n`),
  );
}

/** `Scale` (and `B`) broadcast over the trailing `inner` elements of each group. */
function affineOf<E>(
  A: Algebra<E>,
  x: E,
  scale: Tensor<E>,
  bias: Tensor<E> | undefined,
  i: number,
): E {
  const scaled = A.mul(x, scale.data[i % scale.data.length] as E);
  return bias ? A.add(scaled, bias.data[i % bias.data.length] as E) : scaled;
}

/** ONNX `LayerNormalization` (opset 17): each group over the axes from `axis` to the last. */
const layerNormalization: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const scale = ctx.input(1);
  const bias = ctx.optional(2);
  if (ctx.node.outputs.slice(1).some((o) => o))
    refuse('the Mean and InvStdDev outputs are not supported');
  const axis = axisOf(ctx.int('axis', -1), x.dims.length);
  const inner = sizeOf(x.dims.slice(axis));
  const epsilon = ctx.float('epsilon', 1e-5);
  const what = `LayerNormalization '${ctx.node.name}' takes the root of a variance plus ε`;
  const data: (typeof x.data)[number][] = [];
  for (let start = 0; start < x.data.length; start += inner) {
    normalize(A, x.data.slice(start, start + inner), epsilon, what).forEach((v, i) => {
      data.push(affineOf(A, v, scale, bias, i));
    });
  }
  return [{ dims: x.dims, data }];
};

/** ONNX `InstanceNormalization`: each (batch, channel)'s spatial values, then that channel's scale and bias. */
const instanceNormalization: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const scale = ctx.input(1);
  const bias = ctx.input(2);
  const [n = 1, channels = 1, ...spatial] = x.dims;
  const inner = sizeOf(spatial);
  const epsilon = ctx.float('epsilon', 1e-5);
  const what = `InstanceNormalization '${ctx.node.name}' takes the root of a variance plus ε`;
  const data: (typeof x.data)[number][] = [];
  for (let g = 0; g < n * channels; g += 1) {
    const c = g % channels;
    const start = g * inner;
    for (const v of normalize(A, x.data.slice(start, start + inner), epsilon, what))
      data.push(A.add(A.mul(v, scale.data[c] as never), bias.data[c] as never));
  }
  return [{ dims: x.dims, data }];
};

/** Layer and instance normalization. */
export const normalizationKernels: Record<string, Kernel> = {
  LayerNormalization: layerNormalization,
  InstanceNormalization: instanceNormalization,
};
