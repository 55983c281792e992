import { refuse } from './kernel.js';

/**
 * A dense row-major tensor of any element type: numbers for constants and
 * the float reference, symbolic values while lowering to a circuit.
 */
export interface Tensor<E> {
  dims: number[];
  data: E[];
}

/** The number of elements of a tensor with `dims`. */
export function sizeOf(dims: readonly number[]): number {
  let size = 1;
  for (const d of dims) size *= d;
  return size;
}

/** Row-major strides of `dims`. */
export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i -= 1)
    strides[i] = (strides[i + 1] ?? 1) * (dims[i + 1] ?? 1);
  return strides;
}

/** The multi-index of flat position `flat` in `dims`. */
export function unravel(flat: number, dims: readonly number[]): number[] {
  const index = new Array<number>(dims.length).fill(0);
  let rest = flat;
  for (let i = dims.length - 1; i >= 0; i -= 1) {
    const d = dims[i] ?? 1;
    index[i] = rest % d;
    rest = Math.floor(rest / d);
  }
  return index;
}

/** The element of `t` at `flat`, which callers have bounds-checked. */
export function at<E>(t: Tensor<E>, flat: number): E {
  return t.data[flat] as E;
}

/**
 * The most elements a computed tensor may have: a decoded initializer's
 * limit (2^26). An `Expand`, a `Tile` or a `Resize` with hostile constants
 * could otherwise ask for more than the process can hold.
 */
export const MAX_COMPUTED_ELEMENTS = 2 ** 26;

/** A tensor of `dims` whose element at each multi-index is `f(index)`; refused past {@link MAX_COMPUTED_ELEMENTS}. */
export function build<E>(dims: readonly number[], f: (index: number[]) => E): Tensor<E> {
  const size = sizeOf(dims);
  if (!(size <= MAX_COMPUTED_ELEMENTS))
    refuse(
      `would make a tensor of dims ${JSON.stringify(dims)}, more than ${MAX_COMPUTED_ELEMENTS} elements`,
    );
  const data = new Array<E>(size);
  for (let k = 0; k < size; k += 1) data[k] = f(unravel(k, dims));
  return { dims: [...dims], data };
}
