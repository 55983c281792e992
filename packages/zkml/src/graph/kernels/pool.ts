import type { Algebra } from '../algebra.js';
import { axisOf, type Kernel, refuse } from '../kernel.js';
import { build, sizeOf, stridesOf, type Tensor, unravel } from '../tensor.js';
import { forEachTap, windowOf } from './window.js';

/** The largest of `values` as a balanced tree of pairwise maxima (depth log₂ n). */
export function maxOf<E>(A: Algebra<E>, values: E[]): E {
  let level = values;
  if (level.length === 0) refuse('takes the largest of no values (an empty window or no inputs)');
  while (level.length > 1) {
    const next: E[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const b = level[i + 1];
      next.push(b === undefined ? (level[i] as E) : A.max(level[i] as E, b));
    }
    level = next;
  }
  return level[0] as E;
}

/** The smallest of `values`: the largest of their negations, negated. */
export function minOf<E>(A: Algebra<E>, values: E[]): E {
  return A.scale(
    maxOf(
      A,
      values.map((v) => A.scale(v, -1)),
    ),
    -1,
  );
}

function pool(kind: 'max' | 'average'): Kernel {
  return (ctx) => {
    const A = ctx.algebra;
    const x = ctx.input(0);
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1])
      refuse('the Indices output is not supported');
    const [n = 1, channels = 1, ...spatial] = x.dims;
    const kernel = ctx.ints('kernel_shape') ?? refuse('needs kernel_shape');
    const win = windowOf(ctx, spatial, kernel);
    const includePad = ctx.int('count_include_pad', 0) === 1;
    const inSpatial = sizeOf(spatial);
    const full = sizeOf(kernel);
    return [
      build([n, channels, ...win.out], ([b = 0, c = 0, ...pos]) => {
        const base = (b * channels + c) * inSpatial;
        const taps: (typeof x.data)[number][] = [];
        forEachTap(win, spatial, pos, (input) => taps.push(x.data[base + input] as never));
        if (kind === 'max') return maxOf(A, taps);
        return A.scale(A.sum(taps), 1 / (includePad ? full : taps.length));
      }),
    ];
  };
}

function globalPool(kind: 'max' | 'average'): Kernel {
  return (ctx) => {
    const A = ctx.algebra;
    const x = ctx.input(0);
    const [n = 1, channels = 1, ...spatial] = x.dims;
    const inner = sizeOf(spatial);
    return [
      build([n, channels, ...spatial.map(() => 1)], ([b = 0, c = 0]) => {
        const values = x.data.slice((b * channels + c) * inner, (b * channels + c + 1) * inner);
        return kind === 'max' ? maxOf(A, values) : A.scale(A.sum(values), 1 / inner);
      }),
    ];
  };
}

function reduce(kind: 'sum' | 'mean' | 'max' | 'min' | 'sumSquare' | 'l2' | 'logSumExp'): Kernel {
  return (ctx) => {
    const A = ctx.algebra;
    const x = ctx.input(0);
    const rank = x.dims.length;
    const fromInput = kind === 'sum' ? ctx.opset >= 13 : ctx.opset >= 18;
    const listed = fromInput ? ctx.numbers(1) : ctx.ints('axes');
    if (listed !== undefined && listed.length === 0 && ctx.int('noop_with_empty_axes', 0) === 1)
      return [x];
    const axes = new Set(
      (listed?.length ? listed : x.dims.map((_, i) => i)).map((a) => axisOf(a, rank)),
    );
    const keep = ctx.int('keepdims', 1) === 1;
    const reducedDims = x.dims.map((d, i) => (axes.has(i) ? 1 : d));
    const groups = new Map<number, (typeof x.data)[number][]>();
    const outStrides = stridesOf(reducedDims);
    x.data.forEach((v, flat) => {
      const index = unravel(flat, x.dims);
      let key = 0;
      index.forEach((p, i) => {
        key += (axes.has(i) ? 0 : p) * (outStrides[i] ?? 0);
      });
      const group = groups.get(key);
      if (group) group.push(v);
      else groups.set(key, [v]);
    });
    const data = Array.from({ length: sizeOf(reducedDims) }, (_, k) => {
      const values = groups.get(k) ?? [];
      if (kind === 'max') return maxOf(A, values);
      if (kind === 'min') return minOf(A, values);
      // log Σ e^x = m + log Σ e^(x − m), m the largest: every exponent is at
      // most 0 (exp's domain) and the sum lies in [1, n] (log's).
      if (kind === 'logSumExp') {
        const top = maxOf(A, values);
        const exps = values.map((v) => A.smooth(A.add(v, A.scale(top, -1)), 'exp'));
        return A.add(top, A.smooth(A.sum(exps), 'log'));
      }
      if (kind === 'sumSquare' || kind === 'l2') {
        const squares = A.sum(values.map((v) => A.mul(v, v)));
        return kind === 'l2'
          ? A.sqrt(squares, `ReduceL2 '${ctx.node.name}' takes the root of a sum of squares`)
          : squares;
      }
      const sum = A.sum(values);
      return kind === 'mean' ? A.scale(sum, 1 / Math.max(values.length, 1)) : sum;
    });
    return [{ dims: keep ? reducedDims : x.dims.filter((_, i) => !axes.has(i)), data }];
  };
}

const argMax: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const a = axisOf(ctx.int('axis', 0), x.dims.length);
  const keep = ctx.int('keepdims', 1) === 1;
  const last = ctx.int('select_last_index', 0) === 1;
  const d = x.dims[a] ?? 1;
  const outer = sizeOf(x.dims.slice(0, a));
  const inner = sizeOf(x.dims.slice(a + 1));
  const data: (typeof x.data)[number][] = [];
  for (let o = 0; o < outer; o += 1)
    for (let i = 0; i < inner; i += 1) {
      const values = Array.from({ length: d }, (_, j) => x.data[(o * d + j) * inner + i] as never);
      // The last largest is the first largest of the reversed list.
      data.push(
        last
          ? A.add(A.constant(d - 1), A.scale(A.argmax([...values].reverse()), -1))
          : A.argmax(values),
      );
    }
  const dims = keep ? x.dims.map((v, i) => (i === a ? 1 : v)) : x.dims.filter((_, i) => i !== a);
  return [{ dims, data } as Tensor<(typeof x.data)[number]>];
};

/** The `k` first of `xs` in `TopK`'s order, and their indices. */
function topOf<E>(
  A: Algebra<E>,
  xs: E[],
  k: number,
  largest: boolean,
): { values: E[]; indices: E[] } {
  const n = xs.length;
  const at = (j: number) => xs[j] as E;
  const rank: E[] = xs.map(() => A.constant(0));
  for (let p = 0; p < n; p += 1)
    for (let q = p + 1; q < n; q += 1) {
      // [p comes before q]: p wins a tie, being the lower index.
      const difference = largest
        ? A.add(at(p), A.scale(at(q), -1))
        : A.add(at(q), A.scale(at(p), -1));
      const pFirst = A.atLeastZero(difference);
      rank[q] = A.add(rank[q] as E, pFirst);
      rank[p] = A.add(rank[p] as E, A.add(A.constant(1), A.scale(pFirst, -1)));
    }
  // [rank ≤ r]: a rank is a whole number, so this is [r − rank ≥ 0].
  const atMost = rank.map((rj) =>
    Array.from({ length: k }, (_, r) => A.atLeastZero(A.add(A.constant(r), A.scale(rj, -1)))),
  );
  const values: E[] = [];
  const indices: E[] = [];
  for (let r = 0; r < k; r += 1) {
    const hot = atMost.map((row) =>
      r === 0 ? (row[0] as E) : A.add(row[r] as E, A.scale(row[r - 1] as E, -1)),
    );
    values.push(A.sum(hot.map((h, j) => A.mul(h, at(j)))));
    indices.push(A.sum(hot.map((h, j) => A.scale(h, j))));
  }
  return { values, indices };
}

/**
 * `TopK` with a constant `k`: the `k` largest (or smallest) along an axis,
 * in order, and their indices; of equal values the lower index comes first,
 * as ONNX specifies. Each element's rank is the number of elements that
 * beat it (one comparison per pair, `n(n−1)/2`); its one-hot position is
 * the difference of two rank checks (`[rank ≤ r] − [rank ≤ r−1]`), and each
 * output is that one-hot's sum: one product per element and output. Always
 * sorted, which `sorted = 0` allows.
 */
const topK: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const k = (ctx.numbers(1) ?? refuse('TopK needs its k as a constant'))[0];
  const a = axisOf(ctx.int('axis', -1), x.dims.length);
  const n = x.dims[a] ?? 1;
  const largest = ctx.int('largest', 1) === 1;
  if (k === undefined || !Number.isInteger(k) || k < 0 || k > n)
    refuse(`TopK's k ${k} is not a whole number from 0 to the axis length ${n}`);
  const outer = sizeOf(x.dims.slice(0, a));
  const inner = sizeOf(x.dims.slice(a + 1));
  type E = (typeof x.data)[number];
  const values: E[] = new Array(outer * k * inner);
  const indices: E[] = new Array(outer * k * inner);
  for (let o = 0; o < outer; o += 1)
    for (let i = 0; i < inner; i += 1) {
      const xs = Array.from({ length: n }, (_, j) => x.data[(o * n + j) * inner + i] as E);
      const top = topOf(A, xs, k, largest);
      for (let r = 0; r < k; r += 1) {
        values[(o * k + r) * inner + i] = top.values[r] as E;
        indices[(o * k + r) * inner + i] = top.indices[r] as E;
      }
    }
  const dims = x.dims.map((v, d) => (d === a ? k : v));
  return [
    { dims, data: values },
    { dims: [...dims], data: indices },
  ];
};

/** Pooling, reductions, ArgMax and TopK. */
export const poolKernels: Record<string, Kernel> = {
  MaxPool: pool('max'),
  AveragePool: pool('average'),
  GlobalMaxPool: globalPool('max'),
  GlobalAveragePool: globalPool('average'),
  ReduceSum: reduce('sum'),
  ReduceMean: reduce('mean'),
  ReduceSumSquare: reduce('sumSquare'),
  ReduceL2: reduce('l2'),
  ReduceLogSumExp: reduce('logSumExp'),
  ReduceMax: reduce('max'),
  ReduceMin: reduce('min'),
  ArgMax: argMax,
  TopK: topK,
};
