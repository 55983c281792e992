import type { KernelContext } from '../kernel.js';
import { refuse } from '../kernel.js';

/** The geometry of a convolution or pooling window over the spatial axes of an NC… tensor. */
export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Padding before each spatial axis. */
  padsBegin: number[];
  /** Output spatial dims. */
  out: number[];
}

/** Reads kernel_shape/strides/dilations/pads/auto_pad/ceil_mode for spatial input dims `spatial`. */
export function windowOf<E>(ctx: KernelContext<E>, spatial: number[], kernel: number[]): Window {
  const rank = spatial.length;
  const strides = ctx.ints('strides') ?? new Array<number>(rank).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(rank).fill(1);
  const autoPad = ctx.string('auto_pad', 'NOTSET');
  const ceil = ctx.int('ceil_mode', 0) === 1;
  let pads = ctx.ints('pads') ?? new Array<number>(2 * rank).fill(0);
  if (kernel.length !== rank) refuse(`kernel_shape ${kernel} does not fit ${rank} spatial axes`);
  const extent = (i: number) => ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) + 1;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array<number>(2 * rank).fill(0);
    spatial.forEach((d, i) => {
      const s = strides[i] ?? 1;
      const total = Math.max(0, (Math.ceil(d / s) - 1) * s + extent(i) - d);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + rank] = total - (pads[i] ?? 0);
    });
  } else if (autoPad === 'VALID') pads = new Array<number>(2 * rank).fill(0);
  else if (autoPad !== 'NOTSET') refuse(`auto_pad '${autoPad}' is not supported`);
  const out = spatial.map((d, i) => {
    const span = d + (pads[i] ?? 0) + (pads[i + rank] ?? 0) - extent(i);
    const s = strides[i] ?? 1;
    const n = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    // With ceil_mode, a last window that starts in the end padding is dropped.
    return ceil && (n - 1) * s >= d + (pads[i] ?? 0) ? n - 1 : n;
  });
  if (out.some((n) => n < 1)) refuse(`the window ${kernel} does not fit the input ${spatial}`);
  return { kernel, strides, dilations, padsBegin: pads.slice(0, rank), out };
}

/**
 * Calls `visit(inputPosition, kernelPosition)` for each kernel offset of the
 * window at output position `outIndex` that falls inside the input (offsets
 * in the padding are skipped). Positions are flat within the spatial axes.
 */
export function forEachTap(
  w: Window,
  spatial: number[],
  outIndex: number[],
  visit: (input: number, kernel: number) => void,
): void {
  const rank = spatial.length;
  const total = w.kernel.reduce((a, b) => a * b, 1);
  for (let k = 0; k < total; k += 1) {
    let rest = k;
    let input = 0;
    let inside = true;
    const offsets = new Array<number>(rank);
    for (let i = rank - 1; i >= 0; i -= 1) {
      const size = w.kernel[i] ?? 1;
      offsets[i] = rest % size;
      rest = Math.floor(rest / size);
    }
    for (let i = 0; i < rank; i += 1) {
      const p =
        (outIndex[i] ?? 0) * (w.strides[i] ?? 1) -
        (w.padsBegin[i] ?? 0) +
        (offsets[i] ?? 0) * (w.dilations[i] ?? 1);
      if (p < 0 || p >= (spatial[i] ?? 0)) {
        inside = false;
        break;
      }
      input = input * (spatial[i] ?? 1) + p;
    }
    if (inside) visit(input, k);
  }
}
