import { broadcastDims, broadcastIndex } from '../broadcast.js';
import { axisOf, type Kernel, type KernelContext, refuse } from '../kernel.js';
import { build, sizeOf, stridesOf, type Tensor, unravel } from '../tensor.js';
import { oneHotAt, rowAt } from './select.js';

function constantTensor<E>(ctx: KernelContext<E>, dims: number[], values: number[]): Tensor<E> {
  return { dims, data: values.map((v) => ctx.algebra.constant(v)) };
}

function required<E>(ctx: KernelContext<E>, k: number, what: string): number[] {
  return ctx.numbers(k) ?? refuse(`needs ${what} (input ${k})`);
}

/** Axes from the attribute (older opsets) or input `k` (newer ones). */
function axesOf<E>(ctx: KernelContext<E>, k: number): number[] | undefined {
  return ctx.ints('axes') ?? ctx.numbers(k);
}

function reshape<E>(x: Tensor<E>, dims: number[]): Tensor<E> {
  if (sizeOf(dims) !== x.data.length)
    refuse(`cannot reshape ${x.data.length} elements to ${JSON.stringify(dims)}`);
  return { dims, data: x.data };
}

const reshapeKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const target = required(ctx, 1, 'a constant shape');
  const allowZero = ctx.int('allowzero', 0) === 1;
  const dims = target.map((d, i) =>
    d === 0 && !allowZero ? (x.dims[i] ?? refuse('0 past the rank')) : d,
  );
  const unknown = dims.indexOf(-1);
  if (unknown >= 0) {
    const known = dims.reduce((a, d) => (d === -1 ? a : a * d), 1);
    dims[unknown] = known === 0 ? 0 : x.data.length / known;
  }
  return [reshape(x, dims)];
};

function transpose<E>(x: Tensor<E>, perm: number[]): Tensor<E> {
  const strides = stridesOf(x.dims);
  const dims = perm.map(
    (p) => x.dims[p] ?? refuse(`perm ${perm} does not fit rank ${x.dims.length}`),
  );
  return build(dims, (index) => {
    let flat = 0;
    index.forEach((v, i) => {
      flat += v * (strides[perm[i] ?? 0] ?? 0);
    });
    return x.data[flat] as E;
  });
}

function concat<E>(tensors: Tensor<E>[], axis: number): Tensor<E> {
  const first = tensors[0] ?? refuse('has no input');
  const a = axisOf(axis, first.dims.length);
  const dims = [...first.dims];
  dims[a] = tensors.reduce((n, t) => n + (t.dims[a] ?? 0), 0);
  const outer = sizeOf(first.dims.slice(0, a));
  const data: E[] = [];
  for (let o = 0; o < outer; o += 1)
    for (const t of tensors) {
      const block = sizeOf(t.dims.slice(a));
      for (let k = 0; k < block; k += 1) data.push(t.data[o * block + k] as E);
    }
  return { dims, data };
}

const sliceKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const rank = x.dims.length;
  const starts = ctx.opset >= 10 ? required(ctx, 1, 'constant starts') : (ctx.ints('starts') ?? []);
  const ends = ctx.opset >= 10 ? required(ctx, 2, 'constant ends') : (ctx.ints('ends') ?? []);
  const axes = (ctx.opset >= 10 ? ctx.numbers(3) : ctx.ints('axes')) ?? starts.map((_, i) => i);
  const steps = (ctx.opset >= 10 ? ctx.numbers(4) : undefined) ?? starts.map(() => 1);
  const ranges = x.dims.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((axis, i) => {
    const a = axisOf(axis, rank);
    const d = x.dims[a] ?? 0;
    const step = steps[i] ?? 1;
    if (step === 0) refuse('has a zero step');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const norm = (v: number) => (v < 0 ? v + d : v);
    const start =
      step > 0 ? clamp(norm(starts[i] ?? 0), 0, d) : clamp(norm(starts[i] ?? 0), -1, d - 1);
    const end =
      step > 0 ? clamp(norm(ends[i] ?? d), 0, d) : clamp(norm(ends[i] ?? -d - 1), -1, d - 1);
    ranges[a] = { start, step, count: Math.max(0, Math.ceil((end - start) / step)) };
  });
  const strides = stridesOf(x.dims);
  return [
    build(
      ranges.map((r) => r.count),
      (index) => {
        let flat = 0;
        index.forEach((v, i) => {
          const r = ranges[i] ?? { start: 0, step: 1 };
          flat += (r.start + v * r.step) * (strides[i] ?? 0);
        });
        return x.data[flat] as never;
      },
    ),
  ];
};

const gatherKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const indexTensor = ctx.input(1);
  const A = ctx.algebra;
  const a = axisOf(ctx.int('axis', 0), x.dims.length);
  const d = x.dims[a] ?? 0;
  const outer = sizeOf(x.dims.slice(0, a));
  const inner = sizeOf(x.dims.slice(a + 1));
  const what = `Gather '${ctx.node.name}'`;
  const data: unknown[] = [];
  // A computed index (a token id, a tree's leaf) costs a staircase over the rows, linear in d.
  const picks = indexTensor.data.map((index) => rowAt(A, index, d, what));
  for (let o = 0; o < outer; o += 1)
    for (const pick of picks)
      for (let k = 0; k < inner; k += 1)
        data.push(pick((j) => x.data[(o * d + j) * inner + k] as never));
  return [
    {
      dims: [...x.dims.slice(0, a), ...indexTensor.dims, ...x.dims.slice(a + 1)],
      data: data as never[],
    },
  ];
};

/** ONNX `GatherElements`: `out[…, i, …] = data[…, index[…, i, …], …]` along `axis`, each index constant or computed. */
const gatherElementsKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const indices = ctx.input(1);
  const A = ctx.algebra;
  const a = axisOf(ctx.int('axis', 0), x.dims.length);
  const d = x.dims[a] ?? 0;
  const strides = stridesOf(x.dims);
  if (indices.dims.length !== x.dims.length) refuse("needs indices of the data's rank");
  const indexStrides = stridesOf(indices.dims);
  const flatOf = (index: number[], by: number[]) =>
    index.reduce((f, v, k) => f + v * (by[k] ?? 0), 0);
  return [
    build(indices.dims, (index) => {
      const value = indices.data[flatOf(index, indexStrides)] as never;
      const at = (j: number) =>
        x.data[
          flatOf(
            index.map((v, k) => (k === a ? j : v)),
            strides,
          )
        ] as never;
      return rowAt(A, value, d, `GatherElements '${ctx.node.name}'`)(at);
    }),
  ];
};

/**
 * ONNX `ScatterElements`: the data, with each update written (or, by
 * `reduction`, added, multiplied, maxed or minned) at its own position with
 * the axis coordinate replaced by its index, in order. A constant index
 * writes one element. A computed one writes every row of its column through
 * its one-hot (one sign per row, {@link oneHotAt}): each row becomes
 * `row + hot · (combined − row)`, one product, so the cost is linear in the
 * axis length per update.
 */
const scatterElementsKernel: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const indices = ctx.input(1);
  const updates = ctx.input(2);
  type E = (typeof x.data)[number];
  const a = axisOf(ctx.int('axis', 0), x.dims.length);
  const d = x.dims[a] ?? 0;
  if (
    indices.dims.length !== x.dims.length ||
    indices.dims.some((n, k) => n !== updates.dims[k] || (k !== a && n > (x.dims[k] ?? 0))) ||
    updates.dims.length !== indices.dims.length
  )
    refuse("needs indices and updates of one shape, of the data's rank, within its dimensions");
  const reduction = ctx.string('reduction', 'none');
  const negate = (v: E) => A.scale(v, -1);
  const combine: ((old: E, update: E) => E) | undefined = {
    none: (_old: E, update: E) => update,
    add: (old: E, update: E) => A.add(old, update),
    mul: (old: E, update: E) => A.mul(old, update),
    max: (old: E, update: E) => A.max(old, update),
    min: (old: E, update: E) => negate(A.max(negate(old), negate(update))),
  }[reduction];
  if (!combine) return refuse(`has reduction ${JSON.stringify(reduction)}`);
  const strides = stridesOf(x.dims);
  const what = `ScatterElements '${ctx.node.name}'`;
  const out = [...x.data];
  indices.data.forEach((index, flat) => {
    const position = unravel(flat, indices.dims);
    const update = updates.data[flat] as E;
    const at = (j: number) =>
      position.reduce((f, v, k) => f + (k === a ? j : v) * (strides[k] ?? 0), 0);
    const raw = A.valueOf(index);
    if (raw !== undefined) {
      const j = raw < 0 ? raw + d : raw;
      if (!Number.isInteger(j) || j < 0 || j >= d)
        refuse(`index ${raw} is outside a dimension of ${d}`);
      out[at(j)] = combine(out[at(j)] as E, update);
      return;
    }
    oneHotAt(A, index, d, what).forEach((hot, j) => {
      const row = out[at(j)] as E;
      out[at(j)] = A.add(row, A.mul(hot, A.add(combine(row, update), negate(row))));
    });
  });
  return [{ dims: x.dims, data: out }];
};

/**
 * ONNX `NonZero` of constants (a mask, a table): the indices of the nonzero
 * elements, `[rank, count]`. Of a computed value it is refused: its output's
 * shape would depend on the input, which a circuit cannot have.
 */
const nonZeroKernel: Kernel = (ctx) => {
  const A = ctx.algebra;
  const x = ctx.input(0);
  const values = x.data.map((v) => A.valueOf(v));
  if (values.some((v) => v === undefined))
    refuse("of a computed value: its output's shape would depend on the input");
  const at = values.flatMap((v, flat) => (v === 0 ? [] : [unravel(flat, x.dims)]));
  return [
    constantTensor(
      ctx,
      [x.dims.length, at.length],
      x.dims.flatMap((_, k) => at.map((index) => index[k] ?? 0)),
    ),
  ];
};

/**
 * ONNX `Trilu`: the upper (or lower) triangle of the last two dimensions from
 * diagonal `k`, the rest 0. A causal mask: free, since which elements stay
 * depends on positions only.
 */
const triluKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const k = ctx.numbers(1)?.[0] ?? 0;
  const upper = ctx.int('upper', 1) === 1;
  const rows = x.dims.at(-2) ?? refuse('needs a tensor of rank 2 or more');
  const cols = x.dims.at(-1) ?? 1;
  const zero = ctx.algebra.constant(0);
  return [
    {
      dims: x.dims,
      data: x.data.map((v, flat) => {
        const i = Math.floor(flat / cols) % rows;
        const j = flat % cols;
        return (upper ? j - i >= k : j - i <= k) ? v : zero;
      }),
    },
  ];
};

function expand<E>(x: Tensor<E>, shape: number[]): Tensor<E> {
  const dims = broadcastDims([x.dims, shape]);
  return build(dims, (index) => x.data[broadcastIndex(index, x.dims)] as E);
}

const tileKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const repeats = required(ctx, 1, 'constant repeats');
  const dims = x.dims.map((d, i) => d * (repeats[i] ?? 1));
  const strides = stridesOf(x.dims);
  return [
    build(dims, (index) => {
      let flat = 0;
      index.forEach((v, i) => {
        flat += (v % (x.dims[i] ?? 1)) * (strides[i] ?? 0);
      });
      return x.data[flat] as never;
    }),
  ];
};

const padKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const rank = x.dims.length;
  const pads =
    (ctx.opset >= 11 ? ctx.numbers(1) : ctx.ints('pads')) ?? refuse('needs constant pads');
  const axes =
    (ctx.opset >= 18 ? ctx.numbers(3) : undefined)?.map((a) => axisOf(a, rank)) ??
    x.dims.map((_, i) => i);
  const before = new Array<number>(rank).fill(0);
  const after = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    before[a] = pads[i] ?? 0;
    after[a] = pads[i + axes.length] ?? 0;
  });
  if ([...before, ...after].some((p) => p < 0))
    refuse('negative pads (cropping) are not supported');
  const mode = ctx.string('mode', 'constant');
  const fill = ctx.opset >= 11 ? (ctx.numbers(2)?.[0] ?? 0) : ctx.float('value', 0);
  const strides = stridesOf(x.dims);
  const dims = x.dims.map((d, i) => d + (before[i] ?? 0) + (after[i] ?? 0));
  return [
    build(dims, (index) => {
      let flat = 0;
      for (let i = 0; i < rank; i += 1) {
        const d = x.dims[i] ?? 1;
        let p = (index[i] ?? 0) - (before[i] ?? 0);
        if (p < 0 || p >= d) {
          if (mode === 'constant') return ctx.algebra.constant(fill);
          if (mode === 'edge') p = Math.min(Math.max(p, 0), d - 1);
          else if (mode === 'reflect') {
            if (d === 1) p = 0;
            const period = 2 * (d - 1);
            p = ((p % period) + period) % period;
            if (p >= d) p = period - p;
          } else refuse(`mode '${mode}' is not supported`);
        }
        flat += p * (strides[i] ?? 0);
      }
      return x.data[flat] as never;
    }),
  ];
};

const splitKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const a = axisOf(ctx.int('axis', 0), x.dims.length);
  const d = x.dims[a] ?? 0;
  const count = ctx.node.outputs.length;
  const sizes =
    (ctx.opset >= 13 ? ctx.numbers(1) : ctx.ints('split')) ??
    Array.from({ length: count }, (_, i) =>
      Math.max(0, Math.min(Math.ceil(d / count), d - Math.ceil(d / count) * i)),
    );
  let start = 0;
  const strides = stridesOf(x.dims);
  return sizes.map((size) => {
    const dims = [...x.dims];
    dims[a] = size;
    const offset = start;
    start += size;
    return build(dims, (index) => {
      let flat = 0;
      index.forEach((v, i) => {
        flat += (i === a ? v + offset : v) * (strides[i] ?? 0);
      });
      return x.data[flat] as never;
    });
  });
};

/** Constants, shapes, and data movement: all free in a circuit. */
export const shapeKernels: Record<string, Kernel> = {
  Constant: (ctx) => {
    const t = ctx.node.attributes.get('value')?.t;
    if (t) return [constantTensor(ctx, t.dims, t.data)];
    const a = ctx.node.attributes;
    const scalar = a.get('value_float')?.f ?? a.get('value_int')?.i;
    if (scalar !== undefined) return [constantTensor(ctx, [], [scalar])];
    const list = a.get('value_floats')?.floats ?? a.get('value_ints')?.ints;
    if (list) return [constantTensor(ctx, [list.length], list)];
    return refuse('has no value this lowering reads (value, value_float(s), value_int(s))');
  },
  ConstantOfShape: (ctx) => {
    const dims = required(ctx, 0, 'a constant shape');
    const value = ctx.node.attributes.get('value')?.t?.data[0] ?? 0;
    return [constantTensor(ctx, dims, new Array<number>(sizeOf(dims)).fill(value))];
  },
  Shape: (ctx) => {
    const dims = ctx.input(0).dims;
    const start = ctx.int('start', 0);
    const end = ctx.int('end', dims.length);
    const slice = dims.slice(start, end);
    return [constantTensor(ctx, [slice.length], slice)];
  },
  Size: (ctx) => [constantTensor(ctx, [], [ctx.input(0).data.length])],
  Range: (ctx) => {
    const [start = 0] = required(ctx, 0, 'a constant start');
    const [limit = 0] = required(ctx, 1, 'a constant limit');
    const [delta = 1] = required(ctx, 2, 'a constant delta');
    const count = Math.max(Math.ceil((limit - start) / delta), 0);
    return [
      constantTensor(
        ctx,
        [count],
        Array.from({ length: count }, (_, i) => start + i * delta),
      ),
    ];
  },
  Reshape: reshapeKernel,
  Flatten: (ctx) => {
    const x = ctx.input(0);
    const axis = ctx.int('axis', 1);
    const a = axis < 0 ? axis + x.dims.length : axis;
    return [reshape(x, [sizeOf(x.dims.slice(0, a)), sizeOf(x.dims.slice(a))])];
  },
  Squeeze: (ctx) => {
    const x = ctx.input(0);
    const axes = axesOf(ctx, 1)?.map((a) => axisOf(a, x.dims.length));
    const dims = x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
    return [reshape(x, dims)];
  },
  Unsqueeze: (ctx) => {
    const x = ctx.input(0);
    const axes = axesOf(ctx, 1) ?? refuse('needs axes');
    const rank = x.dims.length + axes.length;
    const inserted = new Set(axes.map((a) => axisOf(a, rank)));
    const rest = [...x.dims];
    const dims = Array.from({ length: rank }, (_, i) =>
      inserted.has(i) ? 1 : (rest.shift() ?? 1),
    );
    return [reshape(x, dims)];
  },
  Transpose: (ctx) => {
    const x = ctx.input(0);
    return [transpose(x, ctx.ints('perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i))];
  },
  Concat: (ctx) => [
    concat(
      ctx.node.inputs.map((_, k) => ctx.input(k)),
      ctx.int('axis', 0),
    ),
  ],
  Slice: sliceKernel,
  Gather: gatherKernel,
  Expand: (ctx) => [expand(ctx.input(0), required(ctx, 1, 'a constant shape'))],
  Tile: tileKernel,
  Trilu: triluKernel,
  GatherElements: gatherElementsKernel,
  ScatterElements: scatterElementsKernel,
  NonZero: nonZeroKernel,
  Pad: padKernel,
  Split: splitKernel,
};

export { concat, transpose, unravel };
