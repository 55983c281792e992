import { type Kernel, refuse } from '../kernel.js';
import { build, stridesOf } from '../tensor.js';

/** Where output coordinate `x` of an axis `from` → `to` long lands on the input axis, per ONNX. */
function sourceCoordinate(
  mode: string,
  x: number,
  scale: number,
  from: number,
  to: number,
): number {
  if (mode === 'half_pixel') return (x + 0.5) / scale - 0.5;
  if (mode === 'pytorch_half_pixel') return to > 1 ? (x + 0.5) / scale - 0.5 : 0;
  if (mode === 'align_corners') return to === 1 ? 0 : (x * (from - 1)) / (to - 1);
  if (mode === 'asymmetric') return x / scale;
  if (mode === 'tf_half_pixel_for_nn') return (x + 0.5) / scale;
  return refuse(`Resize's coordinate_transformation_mode '${mode}' is not supported`);
}

/** The input index nearest to coordinate `c`, by `Resize`'s `nearest_mode`. */
function nearestIndex(rounding: string, c: number, length: number): number {
  const fraction = c - Math.floor(c);
  let i: number;
  if (rounding === 'floor') i = Math.floor(c);
  else if (rounding === 'ceil') i = Math.ceil(c);
  else if (rounding === 'round_prefer_ceil') i = fraction === 0.5 ? Math.ceil(c) : Math.round(c);
  else if (rounding === 'round_prefer_floor') i = fraction === 0.5 ? Math.floor(c) : Math.round(c);
  else return refuse(`Resize's nearest_mode '${rounding}' is not supported`);
  return Math.min(Math.max(i, 0), length - 1);
}

/**
 * The four taps of `cubic` at coordinate `c` on an axis of `length`: the
 * Keys kernel with coefficient `a` at distances 1 + t, t, 1 − t and 2 − t
 * (t the fraction of `c`), on indices clamped to the axis (its edge values
 * repeat). With `excludeOutside`, taps past the axis weigh 0 and the rest are
 * renormalised to sum to 1.
 */
function cubicTaps(
  c: number,
  a: number,
  length: number,
  excludeOutside: boolean,
): [number, number][] {
  const i = Math.floor(c);
  const t = c - i;
  const near = (d: number) => ((a + 2) * d - (a + 3)) * d * d + 1; // |d| ≤ 1
  const far = (d: number) => ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; // 1 < |d| < 2
  let taps: [number, number][] = [
    [i - 1, far(1 + t)],
    [i, near(t)],
    [i + 1, near(1 - t)],
    [i + 2, far(2 - t)],
  ];
  if (excludeOutside) {
    const inside = taps.map(([at, w]): [number, number] => [at, at < 0 || at >= length ? 0 : w]);
    const total = inside.reduce((sum, [, w]) => sum + w, 0);
    taps = inside.map(([at, w]) => [at, w / total]);
  }
  return taps
    .filter(([, w]) => w !== 0)
    .map(([at, w]) => [Math.min(Math.max(at, 0), length - 1), w]);
}

/**
 * `Resize` with constant scales or sizes, `nearest`, `linear` or `cubic`
 * (any rank, one axis at a time). Every output is a constant combination of
 * inputs: a copy (nearest), two weights (linear) or four (cubic) per resized
 * axis, so a resize costs no constraint beyond the rescale a weighted sum
 * needs. Antialiasing and a region of interest are refused.
 */
const resize: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const mode = ctx.string('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear' && mode !== 'cubic')
    refuse(`Resize's mode '${mode}' is not supported`);
  const cubicA = ctx.float('cubic_coeff_a', -0.75);
  const excludeOutside = ctx.int('exclude_outside', 0) === 1;
  if (ctx.int('antialias', 0) !== 0) refuse('Resize with antialias is not supported');
  const transform = ctx.string('coordinate_transformation_mode', 'half_pixel');
  if (transform === 'tf_crop_and_resize')
    refuse('Resize with a region of interest is not supported');
  const rounding = ctx.string('nearest_mode', 'round_prefer_floor');
  // Opset 10: (X, scales). From 11: (X, roi, scales, sizes), either of the last two.
  const scalesAt = ctx.opset < 11 ? 1 : 2;
  const given = ctx.numbers(scalesAt);
  const sizes = ctx.opset < 11 ? undefined : ctx.numbers(3);
  let scales: number[];
  let dims: number[];
  if (given && given.length > 0) {
    scales = given;
    dims = x.dims.map((d, i) => Math.floor(d * (given[i] ?? Number.NaN)));
  } else if (sizes && sizes.length > 0) {
    dims = sizes;
    scales = sizes.map((s, i) => s / (x.dims[i] ?? Number.NaN));
  } else return refuse('Resize needs constant scales or sizes');
  if (scales.length !== x.dims.length || dims.some((d) => !Number.isInteger(d) || d < 1))
    refuse(
      `Resize's scales ${JSON.stringify(scales)} do not fit an input of dims ${JSON.stringify(x.dims)}`,
    );

  // Per axis and output coordinate: the input indices and their weights.
  const taps = dims.map((to, axis) => {
    const from = x.dims[axis] ?? 1;
    const scale = scales[axis] ?? 1;
    return Array.from({ length: to }, (_, o): [number, number][] => {
      if (to === from && scale === 1) return [[o, 1]];
      const c = sourceCoordinate(transform, o, scale, from, to);
      if (mode === 'nearest') return [[nearestIndex(rounding, c, from), 1]];
      if (mode === 'cubic') return cubicTaps(c, cubicA, from, excludeOutside);
      const clamped = Math.min(Math.max(c, 0), from - 1);
      const low = Math.floor(clamped);
      const high = Math.min(low + 1, from - 1);
      const t = clamped - low;
      return high === low || t === 0
        ? [[low, 1]]
        : [
            [low, 1 - t],
            [high, t],
          ];
    });
  });
  const strides = stridesOf(x.dims);
  return [
    build(dims, (index) => {
      // Every combination of one tap per axis, its weight the product of theirs.
      let terms: [number, number][] = [[0, 1]];
      index.forEach((o, axis) => {
        const next: [number, number][] = [];
        for (const [at, w] of terms)
          for (const [i, v] of taps[axis]?.[o] ?? [])
            next.push([at + i * (strides[axis] ?? 0), w * v]);
        terms = next;
      });
      const values = terms.map(([at, w]) => {
        const value = x.data[at] as (typeof x.data)[number];
        return w === 1 ? value : A.scale(value, w);
      });
      return values.length === 1 ? (values[0] as (typeof x.data)[number]) : A.sum(values);
    }),
  ];
};

/** Resizing. */
export const resizeKernels: Record<string, Kernel> = { Resize: resize };
