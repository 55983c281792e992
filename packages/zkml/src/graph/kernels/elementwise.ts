import type { Algebra } from '../algebra.js';
import { mapBroadcast } from '../broadcast.js';
import { type Kernel, type KernelContext, refuse } from '../kernel.js';
import type { SmoothFunction } from '../smooth-functions.js';
import type { Tensor } from '../tensor.js';
import { maxOf, minOf } from './pool.js';

/** `a − b`. */
export function sub<E>(A: Algebra<E>, a: E, b: E): E {
  return A.add(a, A.scale(b, -1));
}

/** `min(a, b)`. */
export function min<E>(A: Algebra<E>, a: E, b: E): E {
  return A.scale(A.max(A.scale(a, -1), A.scale(b, -1)), -1);
}

function unary(f: <E>(A: Algebra<E>, x: E, ctx: KernelContext<E>) => E): Kernel {
  return (ctx) => {
    const x = ctx.input(0);
    return [{ dims: x.dims, data: x.data.map((v) => f(ctx.algebra, v, ctx)) }];
  };
}

function binary(f: <E>(A: Algebra<E>, a: E, b: E, ctx: KernelContext<E>) => E): Kernel {
  return (ctx) => [
    mapBroadcast([ctx.input(0), ctx.input(1)], ([a, b]) =>
      f(ctx.algebra, a as never, b as never, ctx),
    ),
  ];
}

/** An operator over any number of inputs, element by element: `f` takes them all at once. */
function variadic(f: <E>(A: Algebra<E>, values: E[]) => E): Kernel {
  return (ctx) => {
    const inputs = ctx.node.inputs.map((_, k) => ctx.input(k));
    return [mapBroadcast(inputs, (values) => f(ctx.algebra, values))];
  };
}

function divide<E>(A: Algebra<E>, a: E, b: E, ctx: KernelContext<E>): E {
  const divisor = A.valueOf(b);
  // A computed divisor (a hand-written softmax's sum) must be positive: the circuit requires it.
  if (divisor === undefined) return A.dividePositive(a, b);
  if (divisor === 0) refuse('divides by a constant zero');
  const dividend = A.valueOf(a);
  if (dividend !== undefined && ctx.kind(0) !== 'float')
    return A.constant(Math.trunc(dividend / divisor));
  return A.scale(a, 1 / divisor);
}

/** `lo ≤ x ≤ hi` clamped, either bound optional. */
export function clip<E>(A: Algebra<E>, x: E, lo: number | undefined, hi: number | undefined): E {
  let y = x;
  if (lo !== undefined) y = A.max(y, A.constant(lo));
  if (hi !== undefined) y = min(A, y, A.constant(hi));
  return y;
}

function smooth(fn: SmoothFunction): Kernel {
  return unary((A, x) => A.smooth(x, fn));
}

function scalarInput<E>(ctx: KernelContext<E>, k: number): number | undefined {
  const values = ctx.numbers(k);
  if (values === undefined) return undefined;
  if (values.length !== 1) refuse(`input ${k} must be a scalar`);
  return values[0];
}

const clipKernel: Kernel = (ctx) => {
  const lo = ctx.opset >= 11 ? scalarInput(ctx, 1) : ctx.float('min', Number.NEGATIVE_INFINITY);
  const hi = ctx.opset >= 11 ? scalarInput(ctx, 2) : ctx.float('max', Number.POSITIVE_INFINITY);
  const finite = (v: number | undefined) =>
    v === undefined || !Number.isFinite(v) ? undefined : v;
  const x = ctx.input(0);
  return [{ dims: x.dims, data: x.data.map((v) => clip(ctx.algebra, v, finite(lo), finite(hi))) }];
};

function hardSigmoid<E>(A: Algebra<E>, x: E, alpha: number, beta: number): E {
  return clip(A, A.add(A.scale(x, alpha), A.constant(beta)), 0, 1);
}

/** `-floor(-x)`. */
function ceil<E>(A: Algebra<E>, x: E): E {
  return A.scale(A.floor(A.scale(x, -1)), -1);
}

/** `[a = b]`: both `a − b ≥ 0` and `b − a ≥ 0`, exact on the values as computed. */
function equal<E>(A: Algebra<E>, a: E, b: E): E {
  const d = sub(A, a, b);
  return A.mul(A.atLeastZero(d), A.atLeastZero(A.scale(d, -1)));
}

/**
 * ONNX's `Round`, half to even, exactly: `f = floor(x + ½)`, less one where
 * `x + ½` is an integer (a tie) and `f` is odd.
 */
function roundHalfEven<E>(A: Algebra<E>, x: E): E {
  const t = A.add(x, A.constant(0.5));
  const f = A.floor(t);
  const tie = A.atLeastZero(sub(A, f, t));
  const odd = sub(A, f, A.scale(A.floor(A.scale(f, 0.5)), 2));
  return sub(A, f, A.mul(tie, odd));
}

/** Toward zero, as a float-to-integer cast: `ceil(x) + [x ≥ 0]·(floor(x) − ceil(x))`. */
function truncate<E>(A: Algebra<E>, x: E): E {
  const up = ceil(A, x);
  return A.add(up, A.mul(A.atLeastZero(x), sub(A, A.floor(x), up)));
}

/**
 * `alpha · (exp(min(x, 0) / width) − 1)` plus `max(x, 0)`: ELU's family.
 * `min(x, 0)` is `−relu(−x)`, at or below 0 exactly, the domain of exp's
 * approximation.
 */
function exponentialLinear<E>(A: Algebra<E>, x: E, alpha: number, width: number): E {
  const negative = A.scale(A.relu(A.scale(x, -1)), -1 / width);
  return A.add(A.relu(x), A.scale(A.add(A.smooth(negative, 'exp'), A.constant(-1)), alpha));
}

/** `log(1 + e^x)` = `max(x, 0) + log(1 + e^−|x|)`: the ReLU exact, the rest a bounded approximation. */
function softplus<E>(A: Algebra<E>, x: E): E {
  return A.add(A.relu(x), A.smooth(x, 'softplusRemainder'));
}

/** `x^n` for a constant whole `n ≥ 0`: products by squaring, about 2·log2(n) of them. */
function power<E>(A: Algebra<E>, x: E, n: number): E {
  let result: E | undefined;
  let base = x;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = result === undefined ? base : A.mul(result, base);
    if (e > 1) base = A.mul(base, base);
  }
  return result ?? A.constant(1);
}

const powKernel: Kernel = (ctx) => [
  mapBroadcast([ctx.input(0), ctx.input(1)], ([x, y]) => {
    const A = ctx.algebra;
    const base = A.valueOf(x as never);
    const n = A.valueOf(y as never);
    if (n === undefined)
      return refuse('raises to a computed exponent; only constant exponents are supported');
    if (base !== undefined) return A.constant(base ** n);
    const what = `Pow '${ctx.node.name}' to ${n} is proved for inputs ≥ 0`;
    if (n === 0.5) return A.sqrt(x as never, what);
    if (n === -0.5) return A.dividePositive(A.constant(1), A.sqrt(x as never, what));
    if (!Number.isInteger(n) || n < 0 || n > 64)
      return refuse(
        `raises a computed value to ${n}; only whole exponents from 0 to 64, ½ and −½ are supported`,
      );
    return power(A, x as never, n);
  }),
];

const castKernel: Kernel = (ctx) => {
  const x = ctx.input(0);
  const A = ctx.algebra;
  const to = ctx.int('to', 1);
  // ONNX TensorProto types: 1 float, 10 float16, 11 double, 9 bool, the rest integers.
  if (to === 1 || to === 10 || to === 11) return [x];
  return [
    {
      dims: x.dims,
      data: x.data.map((v) => {
        const value = A.valueOf(v);
        if (value !== undefined)
          return A.constant(to === 9 ? (value !== 0 ? 1 : 0) : Math.trunc(value));
        // To bool: [v ≠ 0]. To an integer: an integer stays, a float goes toward zero.
        if (to === 9) return sub(A, A.constant(1), equal(A, v, A.constant(0)));
        return A.isInteger(v) ? v : truncate(A, v);
      }),
    },
  ];
};

/** Element-wise arithmetic, activations, comparisons and logic. */
export const elementwiseKernels: Record<string, Kernel> = {
  Identity: (ctx) => [ctx.input(0)],
  Dropout: (ctx) => [ctx.input(0)],
  Cast: castKernel,
  Add: binary((A, a, b) => A.add(a, b)),
  Sub: binary((A, a, b) => sub(A, a, b)),
  Mul: binary((A, a, b) => A.mul(a, b)),
  Div: binary(divide),
  Neg: unary((A, x) => A.scale(x, -1)),
  // One pass, and balanced trees: a chain of n adds or maxima would cost n²
  // to lower, or recurse n deep when its error is bounded.
  Sum: variadic((A, values) => A.sum(values)),
  Max: variadic(maxOf),
  Min: variadic(minOf),
  Relu: unary((A, x) => A.relu(x)),
  Floor: unary((A, x) => A.floor(x)),
  Sqrt: unary((A, x, ctx) => A.sqrt(x, `Sqrt '${ctx.node.name}' is proved for inputs ≥ 0`)),
  // The circuit requires the divisor to be positive, as for any computed divisor.
  Reciprocal: unary((A, x) => A.dividePositive(A.constant(1), x)),
  Ceil: unary((A, x) => ceil(A, x)),
  Round: unary((A, x) => roundHalfEven(A, x)),
  Pow: powKernel,
  Equal: binary((A, a, b) => equal(A, a, b)),
  LeakyRelu: unary((A, x, ctx) => {
    const alpha = ctx.float('alpha', 0.01);
    // alpha·x + (1 − alpha)·relu(x): one ReLU, the rest linear.
    return A.add(A.scale(x, alpha), A.scale(A.relu(x), 1 - alpha));
  }),
  PRelu: binary((A, x, slope) => A.add(A.relu(x), A.mul(sub(A, x, A.relu(x)), slope))),
  Abs: unary((A, x) => sub(A, A.scale(A.relu(x), 2), x)),
  Sign: unary((A, x) => sub(A, A.aboveZero(x), A.aboveZero(A.scale(x, -1)))),
  Clip: clipKernel,
  HardSigmoid: unary((A, x, ctx) =>
    hardSigmoid(A, x, ctx.float('alpha', 0.2), ctx.float('beta', 0.5)),
  ),
  HardSwish: unary((A, x) => A.mul(x, hardSigmoid(A, x, 1 / 6, 0.5))),
  Sigmoid: smooth('sigmoid'),
  Softplus: unary((A, x) => softplus(A, x)),
  Mish: unary((A, x) => A.mul(x, A.smooth(softplus(A, x), 'tanh'))),
  Elu: unary((A, x, ctx) => exponentialLinear(A, x, ctx.float('alpha', 1), 1)),
  Celu: unary((A, x, ctx) => {
    const alpha = ctx.float('alpha', 1);
    return exponentialLinear(A, x, alpha, alpha);
  }),
  Selu: unary((A, x, ctx) =>
    A.scale(
      exponentialLinear(A, x, ctx.float('alpha', 1.6732632423543772), 1),
      ctx.float('gamma', 1.0507009873554805),
    ),
  ),
  Tanh: smooth('tanh'),
  Erf: smooth('erf'),
  Exp: unary((A, x, ctx) =>
    A.smooth(
      A.requireNonPositive(
        x,
        `Exp '${ctx.node.name}' is proved for inputs ≤ 0 (subtract the maximum first, as Softmax does)`,
      ),
      'exp',
    ),
  ),
  Greater: binary((A, a, b) => A.aboveZero(sub(A, a, b))),
  Less: binary((A, a, b) => A.aboveZero(sub(A, b, a))),
  GreaterOrEqual: binary((A, a, b) => A.atLeastZero(sub(A, a, b))),
  LessOrEqual: binary((A, a, b) => A.atLeastZero(sub(A, b, a))),
  Not: unary((A, x) => sub(A, A.constant(1), x)),
  And: binary((A, a, b) => A.mul(a, b)),
  Or: binary((A, a, b) => sub(A, A.add(a, b), A.mul(a, b))),
  Xor: binary((A, a, b) => sub(A, A.add(a, b), A.scale(A.mul(a, b), 2))),
  Where: (ctx) => [
    mapBroadcast([ctx.input(0), ctx.input(1), ctx.input(2)], ([c, a, b]) => {
      const A = ctx.algebra;
      return A.add(b as never, A.mul(c as never, sub(A, a as never, b as never)));
    }),
  ],
};

/** The tensor of a kernel's only output (for kernels built from others). */
export function only<E>(outputs: Tensor<E>[]): Tensor<E> {
  return outputs[0] ?? refuse('produced no output');
}
