import { refuse } from './kernel.js';
import { sizeOf, stridesOf, type Tensor, unravel } from './tensor.js';

/** NumPy-style broadcast of shapes. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] {
  // Not Math.max(...): a node may have more inputs than a call takes arguments.
  const rank = shapes.reduce((r, s) => Math.max(r, s.length), 0);
  return Array.from({ length: rank }, (_, i) => {
    let dim = 1;
    for (const shape of shapes) {
      const d = shape[shape.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d)
        refuse(`shapes ${shapes.map((s) => JSON.stringify(s)).join(' and ')} do not broadcast`);
      dim = d;
    }
    return dim;
  });
}

/** The flat index into `dims` of the broadcast multi-index `index` (of a tensor of rank ≥ dims). */
export function broadcastIndex(index: readonly number[], dims: readonly number[]): number {
  const strides = stridesOf(dims);
  const offset = index.length - dims.length;
  let flat = 0;
  for (let i = 0; i < dims.length; i += 1)
    if ((dims[i] ?? 1) !== 1) flat += (index[i + offset] ?? 0) * (strides[i] ?? 0);
  return flat;
}

/** Applies `f` element-wise over broadcast tensors. */
export function mapBroadcast<E, R>(
  tensors: readonly Tensor<E>[],
  f: (values: E[]) => R,
): Tensor<R> {
  const dims = broadcastDims(tensors.map((t) => t.dims));
  const size = sizeOf(dims);
  const data = new Array<R>(size);
  for (let k = 0; k < size; k += 1) {
    const index = unravel(k, dims);
    data[k] = f(tensors.map((t) => t.data[broadcastIndex(index, t.dims)] as E));
  }
  return { dims, data };
}
