import { broadcastDims, broadcastIndex, mapBroadcast } from '../broadcast.js';
import { type Kernel, refuse } from '../kernel.js';
import { build, sizeOf, stridesOf, type Tensor } from '../tensor.js';
import { forEachTap, windowOf } from './window.js';

function matmul<E>(A: import('../algebra.js').Algebra<E>, a: Tensor<E>, b: Tensor<E>): Tensor<E> {
  const left = a.dims.length === 1 ? [1, ...a.dims] : a.dims;
  const right = b.dims.length === 1 ? [...b.dims, 1] : b.dims;
  const m = left[left.length - 2] ?? 1;
  const k = left[left.length - 1] ?? 1;
  const n = right[right.length - 1] ?? 1;
  if ((right[right.length - 2] ?? 1) !== k)
    refuse(`shapes ${JSON.stringify(a.dims)} and ${JSON.stringify(b.dims)} do not multiply`);
  const leftBatch = left.slice(0, -2);
  const rightBatch = right.slice(0, -2);
  const batch = broadcastDims([leftBatch, rightBatch]);
  const zero = A.constant(0);
  const dims = [...batch, m, n];
  const out = build(dims, (index) => {
    const bi = index.slice(0, batch.length);
    const row = index[batch.length] ?? 0;
    const col = index[batch.length + 1] ?? 0;
    const aBase = broadcastIndex(bi, leftBatch) * m * k;
    const bBase = broadcastIndex(bi, rightBatch) * k * n;
    const xs = new Array<E>(k);
    const ws = new Array<E>(k);
    for (let j = 0; j < k; j += 1) {
      xs[j] = a.data[aBase + row * k + j] as E;
      ws[j] = b.data[bBase + j * n + col] as E;
    }
    return A.dot(xs, ws, zero);
  });
  const outDims = [
    ...batch,
    ...(a.dims.length === 1 ? [] : [m]),
    ...(b.dims.length === 1 ? [] : [n]),
  ];
  return { dims: outDims, data: out.data };
}

function transposed2d<E>(t: Tensor<E>): Tensor<E> {
  const [r = 1, c = 1] = t.dims;
  return build([c, r], ([i = 0, j = 0]) => t.data[j * c + i] as E);
}

const gemm: Kernel = (ctx) => {
  const A = ctx.algebra;
  let a = ctx.input(0);
  let b = ctx.input(1);
  if (a.dims.length !== 2 || b.dims.length !== 2) refuse('Gemm takes 2-D A and B');
  if (ctx.int('transA', 0) === 1) a = transposed2d(a);
  if (ctx.int('transB', 0) === 1) b = transposed2d(b);
  const alpha = ctx.float('alpha', 1);
  const beta = ctx.float('beta', 1);
  if (alpha !== 1) b = { dims: b.dims, data: b.data.map((v) => A.scale(v, alpha)) };
  const product = matmul(A, a, b);
  const c = ctx.optional(2);
  if (!c || beta === 0) return [product];
  return [
    mapBroadcast([product, c], ([p, bias]) => A.add(p as never, A.scale(bias as never, beta))),
  ];
};

const conv: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const w = ctx.input(1);
  const bias = ctx.optional(2);
  const [n = 1, channels = 1, ...spatial] = x.dims;
  const [outChannels = 1, groupChannels = 1, ...kernel] = w.dims;
  const group = ctx.int('group', 1);
  if (spatial.length === 0) refuse('needs spatial axes (input N×C×D…)');
  if (channels !== groupChannels * group)
    refuse(
      `the input has ${channels} channels, the weights expect ${groupChannels} × ${group} groups`,
    );
  if (outChannels % group !== 0)
    refuse(`${outChannels} output channels do not split into ${group} groups`);
  const win = windowOf(ctx, spatial, ctx.ints('kernel_shape') ?? kernel);
  const perGroup = outChannels / group;
  const inSpatial = sizeOf(spatial);
  const kSize = sizeOf(kernel);
  const zero = A.constant(0);
  return [
    build([n, outChannels, ...win.out], ([b = 0, m = 0, ...pos]) => {
      const g = Math.floor(m / perGroup);
      const xs: (typeof x.data)[number][] = [];
      const ws: (typeof x.data)[number][] = [];
      for (let c = 0; c < groupChannels; c += 1) {
        const xBase = (b * channels + g * groupChannels + c) * inSpatial;
        const wBase = (m * groupChannels + c) * kSize;
        forEachTap(win, spatial, pos, (input, k) => {
          xs.push(x.data[xBase + input] as never);
          ws.push(w.data[wBase + k] as never);
        });
      }
      return A.dot(xs, ws, bias ? (bias.data[m] as never) : zero);
    }),
  ];
};

const convTranspose: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const w = ctx.input(1);
  const bias = ctx.optional(2);
  const [n = 1, channels = 1, ...spatial] = x.dims;
  const [wChannels = 1, perGroup = 1, ...kernel] = w.dims;
  const group = ctx.int('group', 1);
  if (wChannels !== channels)
    refuse(`the weights take ${wChannels} channels, the input has ${channels}`);
  const rank = spatial.length;
  const strides = ctx.ints('strides') ?? new Array<number>(rank).fill(1);
  const dilations = ctx.ints('dilations') ?? new Array<number>(rank).fill(1);
  const outputPadding = ctx.ints('output_padding') ?? new Array<number>(rank).fill(0);
  if (ctx.string('auto_pad', 'NOTSET') !== 'NOTSET' || ctx.ints('output_shape'))
    refuse('auto_pad and output_shape are not supported; give pads');
  const pads = ctx.ints('pads') ?? new Array<number>(2 * rank).fill(0);
  const out = spatial.map(
    (d, i) =>
      (strides[i] ?? 1) * (d - 1) +
      (outputPadding[i] ?? 0) +
      ((kernel[i] ?? 1) - 1) * (dilations[i] ?? 1) +
      1 -
      (pads[i] ?? 0) -
      (pads[i + rank] ?? 0),
  );
  const outChannels = perGroup * group;
  const inChannelsPerGroup = channels / group;
  const inStrides = stridesOf(spatial);
  const kStrides = stridesOf(kernel);
  const inSpatial = sizeOf(spatial);
  const kSize = sizeOf(kernel);
  const zero = A.constant(0);
  return [
    build([n, outChannels, ...out], ([b = 0, m = 0, ...pos]) => {
      const g = Math.floor(m / perGroup);
      const xs: (typeof x.data)[number][] = [];
      const ws: (typeof x.data)[number][] = [];
      for (let k = 0; k < kSize; k += 1) {
        let input = 0;
        let valid = true;
        for (let i = 0; i < rank; i += 1) {
          const offset = Math.floor(k / (kStrides[i] ?? 1)) % (kernel[i] ?? 1);
          const num = (pos[i] ?? 0) + (pads[i] ?? 0) - offset * (dilations[i] ?? 1);
          const s = strides[i] ?? 1;
          if (num < 0 || num % s !== 0 || num / s >= (spatial[i] ?? 0)) {
            valid = false;
            break;
          }
          input += (num / s) * (inStrides[i] ?? 0);
        }
        if (!valid) continue;
        for (let c = 0; c < inChannelsPerGroup; c += 1) {
          const channel = g * inChannelsPerGroup + c;
          xs.push(x.data[(b * channels + channel) * inSpatial + input] as never);
          ws.push(w.data[(channel * perGroup + (m % perGroup)) * kSize + k] as never);
        }
      }
      return A.dot(xs, ws, bias ? (bias.data[m] as never) : zero);
    }),
  ];
};

const batchNormalization: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const [gamma, beta, mean, variance] = [1, 2, 3, 4].map(
    (k) => ctx.numbers(k) ?? refuse(`needs constant input ${k} (inference mode)`),
  ) as [number[], number[], number[], number[]];
  const epsilon = ctx.float('epsilon', 1e-5);
  const channels = x.dims[1] ?? 1;
  const inner = sizeOf(x.dims.slice(2));
  return [
    {
      dims: x.dims,
      data: x.data.map((v, flat) => {
        const c = Math.floor(flat / inner) % channels;
        const k = (gamma[c] ?? 1) / Math.sqrt((variance[c] ?? 1) + epsilon);
        return A.add(A.scale(v, k), A.constant((beta[c] ?? 0) - (mean[c] ?? 0) * k));
      }),
    },
  ];
};

/** Dense layers, convolutions and batch normalisation: multiply-accumulates, free with constant weights. */
export const linearKernels: Record<string, Kernel> = {
  MatMul: (ctx) => [matmul(ctx.algebra, ctx.input(0), ctx.input(1))],
  Gemm: gemm,
  Conv: conv,
  ConvTranspose: convTranspose,
  BatchNormalization: batchNormalization,
};
