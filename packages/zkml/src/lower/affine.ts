import type { SoftmaxShare } from './program.js';

/**
 * A fixed-point value a circuit computes for free: `(c + Σ q_i · s_i) / 2^D`
 * over circuit signals `s_i` (integers). Beside each quantised coefficient it
 * keeps the exact one, so the error against the float model can be bounded.
 */
export interface Affine {
  /** Signal ids of the terms. */
  sig: number[];
  /** Quantised coefficients, one per term. */
  q: bigint[];
  /** Exact coefficients on each signal's float value. */
  w: number[];
  /** The constant numerator. */
  c: bigint;
  /** The exact constant. */
  cw: number;
  /** The denominator's exponent. */
  D: number;
  /** Error added by approximations (e.g. a piecewise-linear sigmoid), beyond what the terms explain. */
  slack: number;
  /**
   * A tighter error than the terms explain, for a value whose meaning is
   * known; dropped as soon as the value changes.
   */
  errorRule?: ErrorRule;
}

/**
 * Why a value's error is smaller than its terms' sum of errors.
 * `max`: `max(x, y)` is off by at most the larger of their errors (the
 * affine form `y + relu(x − y)` alone would add them). `logSoftmax`: an
 * output of a log-softmax (see {@link SoftmaxShare}).
 */
export type ErrorRule =
  | { kind: 'max'; of: [Affine, Affine] }
  | { kind: 'logSoftmax'; share: SoftmaxShare };

/** A value while lowering: a compile-time constant, or an affine form over signals. */
export type Value = number | Affine;

/** Whether `v` depends on signals. */
export function isAffine(v: Value): v is Affine {
  return typeof v !== 'number';
}

/** The affine form of one signal at its own scale. */
export function signalValue(id: number, scale: number): Affine {
  return { sig: [id], q: [1n], w: [1], c: 0n, cw: 0, D: scale, slack: 0 };
}

/** The numerator of `a` for the signals' values (integers, as the witness holds them): c + Σ q·v. */
export function numeratorOf(a: Affine, values: readonly bigint[]): bigint {
  let acc = a.c;
  for (let i = 0; i < a.sig.length; i += 1)
    acc += (a.q[i] as bigint) * (values[a.sig[i] as number] ?? 0n);
  return acc;
}

/** `a` with its denominator raised to 2^D (exact: every numerator term is multiplied by 2^(D − a.D)). */
export function raised(a: Affine, D: number): Affine {
  if (D === a.D) return a;
  const f = 1n << BigInt(D - a.D);
  return { ...a, q: a.q.map((q) => q * f), c: a.c * f, D };
}

/** `Σ parts` as one affine form at the largest denominator, terms on the same signal merged. */
export function sumAffine(parts: readonly Affine[]): Affine {
  let D = 0;
  for (const p of parts) if (p.D > D) D = p.D;
  const index = new Map<number, number>();
  const sig: number[] = [];
  const q: bigint[] = [];
  const w: number[] = [];
  let c = 0n;
  let cw = 0;
  let slack = 0;
  for (const p of parts) {
    const f = 1n << BigInt(D - p.D);
    c += p.c * f;
    cw += p.cw;
    slack += p.slack;
    for (let i = 0; i < p.sig.length; i += 1) {
      const s = p.sig[i] as number;
      const at = index.get(s);
      if (at === undefined) {
        index.set(s, sig.length);
        sig.push(s);
        q.push((p.q[i] as bigint) * f);
        w.push(p.w[i] as number);
      } else {
        q[at] = (q[at] as bigint) + (p.q[i] as bigint) * f;
        w[at] = (w[at] as number) + (p.w[i] as number);
      }
    }
  }
  return { sig, q, w, c, cw, D, slack };
}

/** `a · k` for an integer `k`: exact. */
export function timesInteger(a: Affine, k: bigint, exact: number): Affine {
  return {
    ...a,
    errorRule: undefined,
    q: a.q.map((q) => q * k),
    w: a.w.map((w) => w * exact),
    c: a.c * k,
    cw: a.cw * exact,
    slack: a.slack * Math.abs(exact),
  };
}
