import { InvalidZkmlInputError } from '../errors.js';
import { type Affine, numeratorOf } from './affine.js';
import { type FixedPointProgram, type SoftmaxShare, unknownStep } from './program.js';

/** `floor(√n)` for `n ≥ 0`, exactly (Newton's method on bigints, from above). */
function integerSqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** `floor(a / 2^bits)` for any sign, as the circuit's shift computes it. */
export function floorShift(a: bigint, bits: number): bigint {
  if (bits === 0) return a;
  const divisor = 1n << BigInt(bits);
  const q = a / divisor;
  return a < 0n && q * divisor !== a ? q - 1n : q;
}

/** What running a program gives: each output element in float units, and a bound on its error. */
export interface ProgramResult {
  /** Every output, flattened in order. */
  outputs: number[];
  /** The raw output numerators at scale 2^S (the circuit's public output signals). */
  raw: bigint[];
  /** Per output element: |this output − the float model's output| is at most this (rounding, quantisation and approximations). */
  errorBound: number[];
  /** Every signal's value, as the witness holds it. */
  signals: bigint[];
}

/** What a softmax group's error rule reads, the same for each of its outputs. */
interface SoftmaxGroup {
  /** The exponents the circuit read. */
  d: number[];
  /** Their maximum (0 as the circuit computes it, up to rounding). */
  top: number;
  /** Σ exp(d_j − top). */
  total: number;
  /** ε: how far the exponents may lie from the float model's, x − c. */
  moved: number;
}

function softmaxGroup(
  share: SoftmaxShare,
  scaleBits: number,
  numerator: (a: Affine) => bigint,
  errorOf: (a: Affine) => number,
): SoftmaxGroup {
  const d = share.shifted.map((a) => Number(numerator(a)) / 2 ** a.D);
  const top = d.reduce((m, v) => Math.max(m, v), -Infinity);
  const total = d.reduce((acc, v) => acc + Math.exp(v - top), 0);
  const moved = share.inputs.reduce((m, a) => Math.max(m, errorOf(a)), 0) + 2 ** -scaleBits;
  return { d, top, total, moved };
}

/**
 * The error of output `index`, `q`, of a softmax (or, with `log`, a
 * log-softmax) against the float model's on the true inputs x. A softmax
 * ignores the constant it subtracts, so with c the circuit's maximum, the
 * exponents d the circuit read are x − c moved by at most ε = max_j (error
 * of input j) + 2^−S (the rounding down). Moving every input by at most ε
 * scales each softmax output by a factor in [e^−2ε, e^2ε], so it moves by
 * at most min(1, e^2ε − 1), and a log-softmax output by at most 2ε. What
 * the circuit adds on top (the exp and log approximations, the rounding) is
 * measured exactly: |q − softmax(d)|, softmax(d) computed in float64.
 */
function softmaxError(group: SoftmaxGroup, index: number, q: number, log = false): number {
  const own = (group.d[index] ?? 0) - group.top;
  const exact = log ? own - Math.log(group.total) : Math.exp(own) / group.total;
  const inputs = log ? 2 * group.moved : Math.min(1, Math.expm1(2 * group.moved));
  return Math.abs(q - exact) + inputs + 1e-12;
}

/**
 * Runs a lowered program on quantised input signals (and, in private mode,
 * the weights it holds), exactly as the circuit's witness does, and bounds
 * each output's distance from the exact float model: every term carries its
 * exact coefficient, and each step adds only what it rounds away.
 *
 * @throws InvalidZkmlInputError when the input leaves a step's domain (an
 *   Exp's input above 0, a divisor that is not positive): the circuit has no
 *   witness for it either.
 */
export function evaluateProgram(
  program: FixedPointProgram,
  input: readonly bigint[],
  inputError: number,
): ProgramResult {
  const S = program.scaleBits;
  const value: bigint[] = new Array<bigint>(program.signals.length).fill(0n);
  const error: number[] = new Array<number>(program.signals.length).fill(0);
  const floatOf = (id: number) => Number(value[id] ?? 0n) / 2 ** (program.signals[id]?.scale ?? S);
  input.forEach((v, i) => {
    value[i] = v;
    error[i] = inputError;
  });
  for (const tensor of program.privateTensors)
    tensor.signals.forEach((id, i) => {
      value[id] = tensor.values[i] ?? 0n;
      error[id] = Math.abs(floatOf(id) - (program.privateExact.get(id) ?? 0));
    });
  const numerator = (a: Affine) => numeratorOf(a, value);
  // A group's figures are read once, not once per output (n² for n classes).
  const groups = new Map<readonly Affine[], SoftmaxGroup>();
  const groupOf = (share: SoftmaxShare): SoftmaxGroup => {
    let group = groups.get(share.shifted);
    if (!group) {
      group = softmaxGroup(share, S, numerator, errorOf);
      groups.set(share.shifted, group);
    }
    return group;
  };
  const errorOf = (a: Affine): number => {
    if (a.errorRule?.kind === 'max')
      return Math.max(errorOf(a.errorRule.of[0]), errorOf(a.errorRule.of[1])) + a.slack;
    if (a.errorRule?.kind === 'logSoftmax') {
      const { share } = a.errorRule;
      return softmaxError(groupOf(share), share.index, Number(numerator(a)) / 2 ** a.D, true);
    }
    let e = Math.abs(Number(a.c) / 2 ** a.D - a.cw) + a.slack;
    for (let i = 0; i < a.sig.length; i += 1) {
      const s = a.sig[i] as number;
      const effective = Number(a.q[i] as bigint) * 2 ** ((program.signals[s]?.scale ?? S) - a.D);
      const w = a.w[i] as number;
      e += Math.abs(effective - w) * Math.abs(floatOf(s)) + Math.abs(w) * (error[s] ?? 0);
    }
    return e;
  };
  for (const step of program.steps) {
    if (step.kind === 'shift') {
      const n = numerator(step.input);
      let out = floorShift(n, step.k);
      if (step.relu && out < 0n) out = 0n;
      value[step.out] = out;
      const before = Number(n) / 2 ** step.input.D;
      const after = Number(out) / 2 ** (program.signals[step.out]?.scale ?? S);
      if (step.floor) {
        // The true value lies within the input's error of `before`, so its floor lies
        // between the floors of the two ends: 0 where they agree (the usual case).
        const e = errorOf(step.input);
        error[step.out] = Math.max(after - Math.floor(before - e), Math.floor(before + e) - after);
        continue;
      }
      const exact = step.relu ? Math.max(0, before) : before;
      error[step.out] = errorOf(step.input) + Math.abs(exact - after);
    } else if (step.kind === 'sign') {
      const n = numerator(step.input);
      value[step.out] = (step.strict ? n > 0n : n >= 0n) ? 1n : 0n;
      // The sign is certain when every value within the error has it (an
      // exact 0 is certain too: an index compared with its own value).
      const v = Number(n) / 2 ** step.input.D;
      const e = errorOf(step.input);
      const certain = step.strict
        ? v > 0
          ? v - e > 0
          : v + e <= 0
        : v >= 0
          ? v - e >= 0
          : v + e < 0;
      error[step.out] = certain ? 0 : 1;
    } else if (step.kind === 'mul') {
      const a = numerator(step.a);
      const b = numerator(step.b);
      value[step.out] = a * b;
      const fa = Math.abs(Number(a) / 2 ** step.a.D);
      const fb = Math.abs(Number(b) / 2 ** step.b.D);
      const ea = errorOf(step.a);
      const eb = errorOf(step.b);
      error[step.out] = fa * eb + fb * ea + ea * eb;
    } else if (step.kind === 'div') {
      const n = numerator(step.num);
      const d = numerator(step.den);
      if (d < 1n)
        throw new InvalidZkmlInputError(
          'input',
          `makes a divisor ${Number(d) / 2 ** step.den.D}, but the circuit divides only by a positive value`,
        );
      const q = n >= 0n ? n / d : -((-n + d - 1n) / d);
      value[step.out] = q;
      if (step.softmax) {
        const { index } = step.softmax;
        error[step.out] = softmaxError(groupOf(step.softmax), index, Number(q) / 2 ** S);
      } else {
        const a = Number(n) / 2 ** step.num.D;
        const b = Number(d) / 2 ** step.den.D;
        const ea = errorOf(step.num);
        const eb = errorOf(step.den);
        // |a/b − a'/b'| ≤ (|a − a'| + |a/b| · |b − b'|) / b', with b' ≥ b − eb; plus the floor.
        const rounding = Math.abs(a / b - Number(q) / 2 ** S);
        error[step.out] =
          b > eb ? (ea + Math.abs(a / b) * eb) / (b - eb) + rounding : Number.POSITIVE_INFINITY;
      }
    } else if (step.kind === 'require') {
      const n = numerator(step.input);
      if (n > 0n)
        throw new InvalidZkmlInputError(
          'input',
          `${step.what}, but this input makes it ${Number(n) / 2 ** step.input.D}`,
        );
      value[step.out] = n;
      // A bound both the model and the circuit keep caps the error, whatever came before.
      error[step.out] = Math.min(errorOf(step.input), step.errorCap ?? Number.POSITIVE_INFINITY);
    } else if (step.kind === 'sqrt') {
      const n = numerator(step.input);
      if (n < 0n)
        throw new InvalidZkmlInputError(
          'input',
          `${step.what}, but this input makes its argument ${Number(n) / 2 ** step.input.D}`,
        );
      const root = integerSqrt(n);
      value[step.out] = root;
      // √ moves a value v known to within e by at most max(√(v+e) − √v, √v − √(v−e)), and
      // the root is rounded down by less than 2^−S.
      const v = Number(n) / 2 ** step.input.D;
      const e = errorOf(step.input);
      const spread = Math.max(
        Math.sqrt(v + e) - Math.sqrt(v),
        Math.sqrt(v) - Math.sqrt(Math.max(0, v - e)),
      );
      error[step.out] = spread + Math.abs(Math.sqrt(v) - Number(root) / 2 ** S);
    } else if (step.kind === 'argmax') {
      const ns = step.inputs.map(numerator);
      let best = 0;
      ns.forEach((n, i) => {
        if (n > (ns[best] ?? n)) best = i;
      });
      value[step.out] = BigInt(best);
      const D = step.inputs[0]?.D ?? S;
      const errors = step.inputs.map(errorOf);
      const top = Number(ns[best] ?? 0n) / 2 ** D;
      const clear = ns.every(
        (n, i) => i === best || top - Number(n) / 2 ** D > (errors[i] ?? 0) + (errors[best] ?? 0),
      );
      error[step.out] = clear ? 0 : ns.length - 1;
    } else unknownStep(step);
  }
  const raw: bigint[] = [];
  const outputs: number[] = [];
  const errorBound: number[] = [];
  for (const output of program.outputs)
    for (const element of output.elements) {
      // The lowering leaves outputs at 2^S or coarser; they are written at
      // 2^S, multiplied up exactly.
      const atScale = numerator(element) << BigInt(S - element.D);
      raw.push(atScale);
      outputs.push(Number(atScale) / 2 ** S);
      errorBound.push(errorOf(element));
    }
  return { outputs, raw, errorBound, signals: value };
}
