import { ZkmlError } from '../errors.js';
import type { Affine } from './affine.js';

/** What each signal of a program is. */
export interface SignalInfo {
  /** The signal holds `value · 2^scale` (0 for booleans and indices). */
  scale: number;
  /** |signal| ≤ bound in every valid witness. */
  bound: bigint;
}

/**
 * One constrained step: the only places a circuit spends constraints. All
 * other arithmetic is folded into the affine forms the steps read.
 */
export type Step =
  /**
   * `out = floor(num / 2^k)` (and with `relu`, `max(0, …)`): one bit
   * decomposition of the numerator. With `floor`, every fraction bit is
   * shifted out on purpose: `out` is the value's floor, an integer, and its
   * error is that of a floor (0 where the floor is certain), not a rounding.
   */
  | { kind: 'shift'; input: Affine; k: number; relu: boolean; out: number; floor?: true }
  /** `out = [num ≥ 0]`, or `[num > 0]` when `strict`. */
  | { kind: 'sign'; input: Affine; strict: boolean; out: number }
  /** `out = numA · numB`: one constraint. */
  | { kind: 'mul'; a: Affine; b: Affine; out: number }
  /** `out` = the index of the first largest numerator; all inputs share one denominator. */
  | { kind: 'argmax'; inputs: Affine[]; out: number }
  /**
   * `out = floor(num / den)`, with `den ≥ 1` required: a quotient and a
   * range-checked remainder. The caller scales `num` so `out` is at 2^S.
   * A softmax's division says which group it normalises, for its error rule.
   */
  | { kind: 'div'; num: Affine; den: Affine; out: number; softmax?: SoftmaxShare }
  /**
   * `out = num`, with `num ≤ 0` required (an input outside an approximation's
   * domain has no witness). `what` says which operator needs it, for the
   * error a prover gets.
   */
  | {
      kind: 'require';
      input: Affine;
      what: string;
      out: number;
      /**
       * Set by `within`: the model's exact value of `out` is known to lie
       * within this distance of the circuit's, whatever the errors before.
       */
      errorCap?: number;
    }
  /**
   * `out = floor(√num)`, with `num ≥ 0` required: the prover supplies the root
   * and the circuit checks it by squaring. The caller raises `num` to 2^(2S)
   * so `out` lands at 2^S; `what` names the operator, for the error a prover
   * gets on a negative input.
   */
  | { kind: 'sqrt'; input: Affine; what: string; out: number };

/** Which softmax a division belongs to: what bounds its error (see `evaluateProgram` in `@mt/zkml`). */
export interface SoftmaxShare {
  /** The group's inputs, as the circuit holds them (at most 2^S). */
  inputs: Affine[];
  /** Each input minus the group's maximum, rounded down to 2^S: what the exponentials read. */
  shifted: Affine[];
  /** Which element this division gives. */
  index: number;
}

/** A private tensor of the model (a layer's weights or bias in private mode). */
export interface PrivateTensor {
  /** The initializer it comes from. */
  name: string;
  /** Its signals, in order. */
  signals: number[];
  /** Its quantised values. */
  values: bigint[];
  /** Signed bit width the commitment packs them at. */
  bits: number;
}

/** A graph output of the program. */
export interface ProgramOutput {
  name: string;
  dims: number[];
  /** Each element, as an affine form (constants are affine forms without terms). */
  elements: Affine[];
}

/** A graph input of the program. */
export interface ProgramInput {
  name: string;
  dims: number[];
  /** The first signal of this input (inputs are consecutive signals from 0). */
  offset: number;
}

/**
 * A model lowered to fixed point: signals, the steps that constrain them,
 * and the outputs as affine forms. The circuit generator writes it as
 * Circom and {@link evaluateProgram} runs it in TypeScript, step for step as
 * the witness does.
 */
export interface FixedPointProgram {
  mode: 'public' | 'private';
  scaleBits: number;
  inputBits: number;
  inputs: ProgramInput[];
  /** Number of input signals (the flattened inputs, in order). */
  inputSize: number;
  signals: SignalInfo[];
  steps: Step[];
  outputs: ProgramOutput[];
  /** Private-mode weights; empty in public mode. */
  privateTensors: PrivateTensor[];
  /** Exact float values of the private weights, by signal (to bound the error). */
  privateExact: Map<number, number>;
}

/**
 * The end of a dispatch over `Step['kind']`: every kind has its branch, so
 * the type checker refuses a new kind until each dispatch handles it, and a
 * program built by hand with a kind of its own is refused rather than run as
 * another kind.
 */
export function unknownStep(step: never): never {
  throw new ZkmlError(
    'MT_ZKML_UNKNOWN_STEP',
    `a program step of kind ${JSON.stringify((step as { kind?: unknown }).kind)} is not one this compiler knows`,
  );
}
