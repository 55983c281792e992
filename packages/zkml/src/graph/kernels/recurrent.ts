import type { Algebra } from '../algebra.js';
import { type Kernel, type KernelContext, refuse } from '../kernel.js';
import type { Tensor } from '../tensor.js';
import { sub } from './elementwise.js';

// ONNX's recurrent layers, unrolled over their constant sequence length: each
// step's gates are constant-weight multiply-accumulates (free), their
// activations the smooth approximations, and the state updates products of
// computed values (one constraint each).

type Kind = 'RNN' | 'GRU' | 'LSTM';

/** Gates per kind, in ONNX's order: RNN `i`; GRU `z r h`; LSTM `i o f c`. */
const GATES: Record<Kind, number> = { RNN: 1, GRU: 3, LSTM: 4 };

/** `bias + Σ_k x_k · weight[row][k]` for each row of a constant `[rows, columns]` block. */
function affineRows<E>(
  A: Algebra<E>,
  x: E[],
  weights: readonly E[],
  offset: number,
  rows: number,
  bias: (row: number) => E,
): E[] {
  const columns = x.length;
  return Array.from({ length: rows }, (_, r) =>
    A.dot(x, weights.slice(offset + r * columns, offset + (r + 1) * columns), bias(r)),
  );
}

/** The layer's shape and options, checked once: what this circuit does not compute is refused here. */
function layerOf<E>(ctx: KernelContext<E>, kind: Kind) {
  const x = ctx.input(0);
  const w = ctx.input(1);
  const r = ctx.input(2);
  if (ctx.int('layout', 0) !== 0) refuse('layout 1 (batch first) is not supported');
  if (ctx.float('clip', 0) !== 0) refuse('cell clipping is not supported');
  if (ctx.strings('activations') !== undefined)
    refuse('only the default activations are supported');
  if (kind === 'LSTM' && ctx.int('input_forget', 0) !== 0) refuse('input_forget is not supported');
  if (kind === 'LSTM' && ctx.optional(7)) refuse('peephole weights (P) are not supported');
  const [steps = 1, batch = 1, inputs = 1] = x.dims;
  const directions = w.dims[0] ?? 1;
  const hidden = ctx.int('hidden_size', (w.dims[1] ?? 0) / GATES[kind]);
  const direction = ctx.string('direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction))
    refuse(`direction '${direction}' is not one ONNX defines`);
  if ((direction === 'bidirectional' ? 2 : 1) !== directions)
    refuse(`direction '${direction}' does not match W's ${directions} direction(s)`);
  const lengths = ctx.numbers(4);
  if (lengths?.some((l) => l !== steps))
    refuse('sequence_lens shorter than the sequence are not supported');
  return { x, w, r, steps, batch, inputs, directions, hidden, direction };
}

/** Runs one layer of `kind`; its outputs are `Y`, `Y_h` and (LSTM) `Y_c`, as ONNX lays them out. */
function recurrent(kind: Kind): Kernel {
  return (ctx) => {
    const A = ctx.algebra;
    const { x, w, r, steps, batch, inputs, directions, hidden, direction } = layerOf(ctx, kind);
    const gates = GATES[kind];
    const b = ctx.optional(3);
    const initialH = ctx.optional(5);
    const initialC = kind === 'LSTM' ? ctx.optional(6) : undefined;
    const zero = A.constant(0);
    // A gate lies in [0, 1] (tanh in [−1, 1]), approximations included: checked, so the
    // state's products are sized by that, not by a bound that grows step after step.
    const what = `${kind} '${ctx.node.name}' keeps its gates within 1`;
    const sigmoid = (v: E) => A.within(A.smooth(v, 'sigmoid'), 1 + 1 / 64, what);
    const tanh = (v: E) => A.within(A.smooth(v, 'tanh'), 1 + 1 / 64, what);
    type E = (typeof x.data)[number];
    // Y[t][d][n][j], and the last state per direction and batch row.
    const y: E[][][][] = Array.from({ length: steps }, () =>
      Array.from({ length: directions }, () => Array.from({ length: batch }, () => [])),
    );
    const lastH: E[][][] = [];
    const lastC: E[][][] = [];
    for (let d = 0; d < directions; d += 1) {
      const reverse = direction === 'reverse' || d === 1;
      const wOffset = d * gates * hidden * inputs;
      const rOffset = d * gates * hidden * hidden;
      // B holds Wb (gates·H) then Rb (gates·H) per direction.
      const wb = (g: number, j: number) =>
        (b?.data[d * 2 * gates * hidden + g * hidden + j] ?? zero) as E;
      const rb = (g: number, j: number) =>
        (b?.data[d * 2 * gates * hidden + (gates + g) * hidden + j] ?? zero) as E;
      lastH.push([]);
      lastC.push([]);
      for (let n = 0; n < batch; n += 1) {
        const start = (d * batch + n) * hidden;
        let h: E[] = Array.from(
          { length: hidden },
          (_, j) => (initialH?.data[start + j] ?? zero) as E,
        );
        let c: E[] = Array.from(
          { length: hidden },
          (_, j) => (initialC?.data[start + j] ?? zero) as E,
        );
        for (let s = 0; s < steps; s += 1) {
          const t = reverse ? steps - 1 - s : s;
          const xt = x.data.slice((t * batch + n) * inputs, (t * batch + n + 1) * inputs) as E[];
          // Input and recurrent parts of gate g: X_t·W_g^T + Wb_g, H·R_g^T + Rb_g.
          const fromInput = (g: number) =>
            affineRows(A, xt, w.data as E[], wOffset + g * hidden * inputs, hidden, (j) =>
              wb(g, j),
            );
          const fromState = (g: number, state: E[]) =>
            affineRows(A, state, r.data as E[], rOffset + g * hidden * hidden, hidden, (j) =>
              rb(g, j),
            );
          const both = (g: number) => {
            const a = fromInput(g);
            const s2 = fromState(g, h);
            return a.map((v, j) => A.add(v, s2[j] as E));
          };
          if (kind === 'RNN') {
            h = both(0).map(tanh);
          } else if (kind === 'GRU') {
            const z = both(0).map(sigmoid);
            const reset = both(1).map(sigmoid);
            const input = fromInput(2);
            const candidate =
              ctx.int('linear_before_reset', 0) === 0
                ? fromState(
                    2,
                    h.map((v, j) => A.mul(reset[j] as E, v)),
                  ).map((v, j) => tanh(A.add(input[j] as E, v)))
                : fromState(2, h).map((v, j) =>
                    tanh(A.add(input[j] as E, A.mul(reset[j] as E, v))),
                  );
            // H = (1 − z)·h̃ + z·H = h̃ + z·(H − h̃).
            h = candidate.map((v, j) => A.add(v, A.mul(z[j] as E, sub(A, h[j] as E, v))));
          } else {
            const input = both(0).map(sigmoid);
            const output = both(1).map(sigmoid);
            const forget = both(2).map(sigmoid);
            const cell = both(3).map(tanh);
            c = c.map((v, j) =>
              A.add(A.mul(forget[j] as E, v), A.mul(input[j] as E, cell[j] as E)),
            );
            h = c.map((v, j) => A.mul(output[j] as E, tanh(v)));
          }
          y[t]?.[d]?.[n]?.push(...h);
        }
        lastH[d]?.push(h);
        lastC[d]?.push(c);
      }
    }
    const outputs: Tensor<E>[] = [
      { dims: [steps, directions, batch, hidden], data: y.flat(3) },
      { dims: [directions, batch, hidden], data: lastH.flat(2) },
    ];
    if (kind === 'LSTM') outputs.push({ dims: [directions, batch, hidden], data: lastC.flat(2) });
    return outputs;
  };
}

/** RNN, GRU and LSTM, unrolled. */
export const recurrentKernels: Record<string, Kernel> = {
  RNN: recurrent('RNN'),
  GRU: recurrent('GRU'),
  LSTM: recurrent('LSTM'),
};
