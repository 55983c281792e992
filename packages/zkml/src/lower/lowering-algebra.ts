import { InvalidZkmlInputError } from '../errors.js';
import type { Algebra } from '../graph/algebra.js';
import { floatAlgebra } from '../graph/float-algebra.js';
import { refuse } from '../graph/kernel.js';
import { maxOf } from '../graph/kernels/pool.js';
import {
  approximationBound,
  hingeForm,
  type SmoothFunction,
  smoothApproximations,
} from '../graph/smooth-functions.js';
import {
  type Affine,
  isAffine,
  raised,
  signalValue,
  sumAffine,
  timesInteger,
  type Value,
} from './affine.js';
import type { SignalInfo, SoftmaxShare, Step } from './program.js';

/** Numerators must stay below 2^MAX_BITS so no value wraps around the BN254 field. */
export const MAX_NUMERATOR_BITS = 240;

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** `round(x · 2^bits)`, half away from zero, as a bigint. */
export function quantize(x: number, bits: number): bigint {
  if (!Number.isFinite(x)) throw new InvalidZkmlInputError('constant', `must be finite, got ${x}`);
  const scaled = x * 2 ** bits;
  const rounded = Math.sign(scaled) * Math.round(Math.abs(scaled));
  if (Number.isSafeInteger(rounded)) return BigInt(rounded);
  // Beyond 2^53 the float is already an integer; BigInt takes it exactly.
  return BigInt(rounded);
}

/** Whether `k` is ±2^−m for some m ≥ 0 (a shift of the denominator, exact). */
function powerOfTwoFraction(k: number): number | undefined {
  const m = -Math.log2(Math.abs(k));
  return Number.isInteger(m) && m > 0 && m <= 64 ? m : undefined;
}

/**
 * The fixed-point arithmetic a model is lowered with. Constants stay
 * numbers (so folding is exact); values over signals are affine forms,
 * which addition and constant multiplication keep free; every step that
 * costs constraints (a shift back to scale 2^S, a ReLU, a sign, a product,
 * an argmax) is recorded in `steps`, with a new signal for its result.
 */
export class LoweringAlgebra implements Algebra<Value> {
  readonly signals: SignalInfo[] = [];
  readonly steps: Step[] = [];

  /** Values already shifted to 2^S, by the affine form they came from (forms are never changed). */
  readonly #materialized = new WeakMap<Affine, Affine>();

  constructor(readonly scaleBits: number) {}

  /** A new signal with its scale and bound (inputs, private weights, step outputs). */
  newSignal(scale: number, bound: bigint): number {
    this.signals.push({ scale, bound });
    return this.signals.length - 1;
  }

  /** The largest |numerator| of `a` over every valid witness. */
  numeratorBound(a: Affine): bigint {
    let bound = abs(a.c);
    for (let i = 0; i < a.sig.length; i += 1)
      bound += abs(a.q[i] as bigint) * (this.signals[a.sig[i] as number]?.bound ?? 0n);
    return bound;
  }

  /** Checks the numerator of `a` fits the field; returns its bit length. */
  #bitsOf(a: Affine, what: string): number {
    const bits = bitLength(this.numeratorBound(a));
    if (bits > MAX_NUMERATOR_BITS)
      throw new InvalidZkmlInputError(
        'model',
        `${what} needs ${bits}-bit numerators, more than the ${MAX_NUMERATOR_BITS} the field allows; lower scaleBits or inputBits`,
      );
    return bits;
  }

  #step(step: Step, scale: number): Affine {
    this.steps.push(step);
    return signalValue(step.out, scale);
  }

  /** An affine form of a value (a constant becomes one without terms, at scale 2^S). */
  affine(v: Value): Affine {
    if (isAffine(v)) return v;
    return {
      sig: [],
      q: [],
      w: [],
      c: quantize(v, this.scaleBits),
      cw: v,
      D: this.scaleBits,
      slack: 0,
    };
  }

  /**
   * `a` as a value with denominator at most 2^S: a shift step when it is
   * finer, made once per value. An average pool's output feeds every
   * window of the next convolution over it: without the memo each of those
   * MACs made its own shift (LeNet-5 had 288,000 of them, for 1,576 values).
   */
  materialize(a: Affine): Affine {
    const S = this.scaleBits;
    if (a.D <= S) return a;
    let done = this.#materialized.get(a);
    if (!done) {
      done = this.#shift(a, false);
      this.#materialized.set(a, done);
    }
    return done;
  }

  #shift(a: Affine, relu: boolean): Affine {
    const S = this.scaleBits;
    const k = Math.max(0, a.D - S);
    this.#bitsOf(a, relu ? 'a ReLU' : 'a rescale');
    const bound = (this.numeratorBound(a) + (1n << BigInt(k)) - 1n) >> BigInt(k);
    const out = this.newSignal(Math.min(a.D, S), bound);
    return this.#step({ kind: 'shift', input: a, k, relu, out }, Math.min(a.D, S));
  }

  constant(value: number): Value {
    return value;
  }

  valueOf(e: Value): number | undefined {
    return isAffine(e) ? undefined : e;
  }

  isInteger(e: Value): boolean {
    return isAffine(e) ? e.D === 0 : Number.isInteger(e);
  }

  #addConstant(a: Affine, n: number): Affine {
    if (n === 0) return a;
    let base = a;
    const scaled = n * 2 ** a.D;
    if (!Number.isInteger(scaled) && a.D < this.scaleBits) base = raised(a, this.scaleBits);
    return { ...base, errorRule: undefined, c: base.c + quantize(n, base.D), cw: base.cw + n };
  }

  /** `a + b`: constants fold, affine forms merge at the finer denominator. */
  add(a: Value, b: Value): Value {
    if (!isAffine(a) && !isAffine(b)) return a + b;
    if (!isAffine(a)) return this.#addConstant(b as Affine, a);
    if (!isAffine(b)) return this.#addConstant(a, b);
    return sumAffine([a, b]);
  }

  sum(values: readonly Value[]): Value {
    let constant = 0;
    const parts: Affine[] = [];
    for (const v of values) {
      if (isAffine(v)) parts.push(v);
      else constant += v;
    }
    const [only] = parts;
    if (only === undefined) return constant;
    return this.add(parts.length === 1 ? only : sumAffine(parts), constant);
  }

  /**
   * `a · k`. A constant factor (a batch norm's scale, an average's 1/n, an
   * approximation's slope) is quantised at 2^(2S), finer than a layer's
   * weights at 2^S: it multiplies a whole sum, not one input.
   */
  scale(a: Value, k: number): Value {
    return this.#scale(a, k, 2 * this.scaleBits);
  }

  #scale(a: Value, k: number, bits: number): Value {
    if (!isAffine(a)) return a * k;
    if (k === 0) return 0;
    if (Number.isInteger(k) && Math.abs(k) <= 2 ** 52) return timesInteger(a, BigInt(k), k);
    const m = powerOfTwoFraction(k);
    if (m !== undefined)
      return {
        ...timesInteger(a, BigInt(Math.sign(k)), Math.sign(k)),
        D: a.D + m,
        w: a.w.map((w) => w * k),
        cw: a.cw * k,
        slack: a.slack * Math.abs(k),
      };
    const S = this.scaleBits;
    // Allow one constant factor on top of a layer's accumulator (a batch
    // norm after a convolution costs nothing); beyond that, rescale first.
    const base = a.D > 2 * S ? this.materialize(a) : a;
    const qk = quantize(k, bits);
    return {
      ...timesInteger(base, qk, k),
      D: base.D + bits,
      slack: base.slack * Math.abs(k),
    };
  }

  mul(a: Value, b: Value): Value {
    if (!isAffine(a)) return this.scale(b, a);
    if (!isAffine(b)) return this.scale(a, b);
    const x = this.materialize(a);
    const y = this.materialize(b);
    this.#bitsOf(x, 'a product');
    const bound = this.numeratorBound(x) * this.numeratorBound(y);
    if (bitLength(bound) > MAX_NUMERATOR_BITS)
      throw new InvalidZkmlInputError(
        'model',
        'a product needs more bits than the field allows; lower scaleBits or inputBits',
      );
    const out = this.newSignal(x.D + y.D, bound);
    const product = this.#step({ kind: 'mul', a: x, b: y, out }, x.D + y.D);
    return { ...product, slack: 0 };
  }

  dot(xs: readonly Value[], ws: readonly Value[], bias: Value): Value {
    const S = this.scaleBits;
    const parts: Affine[] = [];
    let constant = 0;
    const sig: number[] = [];
    const q: bigint[] = [];
    const w: number[] = [];
    let c = 0n;
    let cw = 0;
    let slack = 0;
    const index = new Map<number, number>();
    for (let i = 0; i < xs.length; i += 1) {
      const x = xs[i] as Value;
      const weight = ws[i] as Value;
      if (!isAffine(x) && !isAffine(weight)) {
        constant += x * weight;
        continue;
      }
      if (isAffine(weight)) {
        parts.push(this.affine(this.mul(x, weight)));
        continue;
      }
      if (weight === 0) continue;
      // The hot path of dense layers and convolutions: x at exactly 2^S,
      // the weight at 2^S, the product at 2^(2S), merged in place.
      const xv = raised(this.materialize(x as Affine), S);
      const qk = quantize(weight, S);
      c += xv.c * qk;
      cw += xv.cw * weight;
      slack += xv.slack * Math.abs(weight);
      for (let t = 0; t < xv.sig.length; t += 1) {
        const s = xv.sig[t] as number;
        const term = (xv.q[t] as bigint) * qk;
        const exact = (xv.w[t] as number) * weight;
        const at = index.get(s);
        if (at === undefined) {
          index.set(s, sig.length);
          sig.push(s);
          q.push(term);
          w.push(exact);
        } else {
          q[at] = (q[at] as bigint) + term;
          w[at] = (w[at] as number) + exact;
        }
      }
    }
    if (sig.length > 0 || c !== 0n || cw !== 0) parts.push({ sig, q, w, c, cw, D: 2 * S, slack });
    if (parts.length === 0) return this.add(constant, bias);
    const sum = this.add(sumAffine(parts), constant);
    return this.add(sum, bias);
  }

  relu(a: Value): Value {
    if (!isAffine(a)) return floatAlgebra.relu(a);
    return this.#shift(a, true);
  }

  floor(a: Value): Value {
    if (!isAffine(a)) return Math.floor(a);
    if (a.D === 0) return a;
    this.#bitsOf(a, 'a floor');
    const k = a.D;
    // |floor(n / 2^k)| ≤ ceil(|n| / 2^k).
    const bound = (this.numeratorBound(a) + (1n << BigInt(k)) - 1n) >> BigInt(k);
    const out = this.newSignal(0, bound);
    return this.#step({ kind: 'shift', input: a, k, relu: false, out, floor: true }, 0);
  }

  max(a: Value, b: Value): Value {
    if (!isAffine(a) && !isAffine(b)) return Math.max(a, b);
    const x = isAffine(a) ? this.materialize(a) : a;
    const y = isAffine(b) ? this.materialize(b) : b;
    const result = this.affine(this.add(y, this.relu(this.add(x, this.scale(y, -1)))));
    return { ...result, errorRule: { kind: 'max', of: [this.affine(x), this.affine(y)] } };
  }

  #sign(a: Value, strict: boolean): Value {
    if (!isAffine(a)) return strict ? floatAlgebra.aboveZero(a) : floatAlgebra.atLeastZero(a);
    this.#bitsOf(a, 'a comparison');
    const out = this.newSignal(0, 1n);
    return this.#step({ kind: 'sign', input: a, strict, out }, 0);
  }

  atLeastZero(a: Value): Value {
    return this.#sign(a, false);
  }

  aboveZero(a: Value): Value {
    return this.#sign(a, true);
  }

  argmax(values: readonly Value[]): Value {
    if (values.every((v) => !isAffine(v))) return floatAlgebra.argmax(values as number[]);
    const forms = values.map((v) => (isAffine(v) ? this.materialize(v) : this.affine(v)));
    const D = forms.reduce((d, f) => Math.max(d, f.D), 0);
    const inputs = forms.map((f) => raised(f, D));
    for (const f of inputs) this.#bitsOf(f, 'an argmax');
    const out = this.newSignal(0, BigInt(values.length - 1));
    return this.#step({ kind: 'argmax', inputs, out }, 0);
  }

  smooth(a: Value, fn: SmoothFunction): Value {
    if (!isAffine(a)) return floatAlgebra.smooth(a, fn);
    const x = this.materialize(a);
    const limit = Number(this.numeratorBound(x)) / 2 ** x.D;
    // On a domain of x ≤ 0, a hinge at or above 0 never bends.
    const top = smoothApproximations[fn].domain === 'nonPositive' ? Math.min(limit, 0) : limit;
    const { base, hinges } = hingeForm(fn);
    let result: Value = base;
    for (const [point, change] of hinges) {
      if (change === 0 || point >= top) continue;
      // Below every value the input can take, the hinge is linear: no ReLU.
      const shifted = this.add(x, -point);
      const active = point <= -limit ? shifted : this.relu(shifted);
      result = this.add(result, this.scale(active, change));
    }
    const form = this.affine(result);
    return { ...form, slack: form.slack + approximationBound(fn) };
  }

  /**
   * `a / b` at scale 2^S: both are brought to at most 2^S, the dividend is
   * raised so the quotient lands at 2^S, and one `div` step divides, with
   * `b ≥ 2^−D` (positive) required.
   */
  dividePositive(a: Value, b: Value, softmax?: SoftmaxShare): Value {
    if (!isAffine(b)) return b === 0 ? refuse('divides by a constant zero') : this.scale(a, 1 / b);
    const S = this.scaleBits;
    const x = this.materialize(this.affine(a));
    const den = this.materialize(b);
    const num = raised(x, S + den.D);
    const numBits = this.#bitsOf(num, 'a division');
    const denBits = this.#bitsOf(den, 'a division');
    if (numBits + denBits + 1 > MAX_NUMERATOR_BITS)
      throw new InvalidZkmlInputError(
        'model',
        `a division needs ${numBits + denBits + 1}-bit products, more than the ${MAX_NUMERATOR_BITS} the field allows; lower scaleBits or inputBits`,
      );
    // den ≥ 1, so |quotient| ≤ |num|.
    const out = this.newSignal(S, this.numeratorBound(num));
    return this.#step({ kind: 'div', num, den, out, ...(softmax ? { softmax } : {}) }, S);
  }

  /**
   * `√a` at scale 2^S: the value brought to at most 2^S, raised to 2^(2S),
   * and one `sqrt` step, whose root of `v · 2^(2S)` is `√v · 2^S`.
   */
  sqrt(a: Value, what: string): Value {
    if (!isAffine(a)) {
      if (a < 0) refuse(`${what}: the square root of a negative constant`);
      return Math.sqrt(a);
    }
    const S = this.scaleBits;
    const x = this.materialize(a);
    const input = raised(x, 2 * S);
    const bits = this.#bitsOf(input, 'a square root');
    const out = this.newSignal(S, 1n << BigInt(Math.ceil(bits / 2)));
    return this.#step({ kind: 'sqrt', input, what, out }, S);
  }

  /** The exponentials of the group, then one division per element by their sum (at least 1). */
  softmax(values: readonly Value[]): Value[] {
    if (values.every((v) => !isAffine(v))) return floatAlgebra.softmax(values as number[]);
    const { inputs, shifted, exps, total } = this.#exponentials(values);
    return exps.map((e, index) => this.dividePositive(e, total, { inputs, shifted, index }));
  }

  /** The exponentials of the group, then `d_i − log(Σ)`: the sum lies in [1, group size]. */
  logSoftmax(values: readonly Value[]): Value[] {
    if (values.every((v) => !isAffine(v))) return floatAlgebra.logSoftmax(values as number[]);
    if (values.length > 2 ** 15)
      refuse(`normalises ${values.length} values; a log-softmax circuit takes at most 2^15`);
    const { inputs, shifted, total } = this.#exponentials(values);
    const log = this.smooth(this.materialize(this.affine(total)), 'log');
    return shifted.map((d, index) => {
      const out = this.affine(this.add(d, this.scale(log, -1)));
      return { ...out, errorRule: { kind: 'logSoftmax', share: { inputs, shifted, index } } };
    });
  }

  /**
   * Each input at most 2^S, minus their maximum (a tree of `max`, exact on
   * those values) rounded down to 2^S, so every exponent is at or below 0
   * and the largest is exactly 0; then the sum of their `exp`, which is at
   * least exp(0) = 1.
   */
  #exponentials(values: readonly Value[]): {
    inputs: Affine[];
    shifted: Affine[];
    exps: Value[];
    total: Value;
  } {
    const inputs = values.map((v) => (isAffine(v) ? this.materialize(v) : this.affine(v)));
    const top = maxOf<Value>(this, inputs);
    const shifted = inputs.map((x) =>
      this.materialize(this.affine(this.add(x, this.scale(top, -1)))),
    );
    const exps = shifted.map((d) => this.smooth(d, 'exp'));
    return { inputs, shifted, exps, total: this.sum(exps) };
  }

  within(a: Value, limit: number, what: string): Value {
    if (!isAffine(a)) return a;
    const x = this.materialize(a);
    const L = quantize(limit, x.D);
    if (this.numeratorBound(x) <= L) return x;
    // x − L ≤ 0, a signal of its own; then −(x − L) − 2L ≤ 0, so that signal lies in
    // [−2L, 0] and x, rebuilt from it, is bounded by L for every later step. The
    // model's value less L lies there too (its caller vouches for the limit), which
    // caps the error at 2L.
    const upper = this.#require(this.affine(this.add(x, -limit)), what, {
      bound: 2n * L,
      errorCap: 2 * limit,
    });
    this.#require(this.affine(this.add(this.scale(upper, -1), -2 * limit)), what);
    return this.add(upper, limit);
  }

  requireNonPositive(a: Value, what: string): Value {
    // A constant is folded exactly, on any value.
    if (!isAffine(a)) return a;
    return this.#require(a, what);
  }

  /** One `require` step; `within` gives its output a tighter bound and an error cap. */
  #require(a: Affine, what: string, tighter?: { bound: bigint; errorCap: number }): Affine {
    this.#bitsOf(a, what);
    const out = this.newSignal(a.D, tighter?.bound ?? this.numeratorBound(a));
    return this.#step(
      { kind: 'require', input: a, what, out, ...(tighter ? { errorCap: tighter.errorCap } : {}) },
      a.D,
    );
  }
}
