import type { GraphBuilder } from '../onnx/graph-builder.js';

/** Model width: hidden size and attention heads. */
export interface Width {
  hidden: number;
  heads: number;
}

/** Draws a tensor of `count` normal values. */
export function randomValues(
  normal: (std: number) => number,
  count: number,
  std: number,
): Float32Array {
  return Float32Array.from({ length: count }, () => normal(std));
}

/** `x·W + b` with random W (std 0.02) and zero b. */
export function linear(
  g: GraphBuilder,
  x: string,
  inputs: number,
  outputs: number,
  normal: (std: number) => number,
): string {
  const w = g.f32([inputs, outputs], randomValues(normal, inputs * outputs, 0.02));
  const b = g.f32([outputs], new Float32Array(outputs));
  return g.op('Add', [g.op('MatMul', [x, w]), b]);
}

/** LayerNorm over the last axis with unit scale and zero shift. */
export function layerNorm(g: GraphBuilder, x: string, hidden: number): string {
  const scale = g.f32([hidden], new Float32Array(hidden).fill(1));
  const shift = g.f32([hidden], new Float32Array(hidden));
  return g.op('LayerNormalization', [x, scale, shift], { axis: -1, epsilon: { float: 1e-5 } });
}

/** GELU as `0.5·x·(1 + erf(x/√2))`. */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.scalar(Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalar(0.5)]), g.op('Add', [erf, g.scalar(1)])]);
}

/** `[B, S, E]` → `[B, H, S, D]`. */
function splitHeads(g: GraphBuilder, x: string, width: Width): string {
  const reshaped = g.op('Reshape', [x, g.i64([0, 0, width.heads, width.hidden / width.heads])]);
  return g.op('Transpose', [reshaped], { perm: [0, 2, 1, 3] });
}

/**
 * Multi-head self-attention. `bias` (broadcastable to `[B, H, S, T]`) holds
 * the causal and padding masks as 0 / −1e9. With `past`, the new keys and
 * values are appended to the cache and returned as `present`.
 */
export function attention(
  g: GraphBuilder,
  x: string,
  bias: string,
  width: Width,
  normal: (std: number) => number,
  past?: { key: string; value: string },
): { out: string; present?: { key: string; value: string } } {
  const { hidden } = width;
  const qkv = linear(g, x, hidden, 3 * hidden, normal);
  const [q = '', k = '', v = ''] = g.opMulti('Split', [qkv, g.i64([hidden, hidden, hidden])], 3, {
    axis: 2,
  });
  let keys = splitHeads(g, k, width);
  let values = splitHeads(g, v, width);
  if (past) {
    keys = g.op('Concat', [past.key, keys], { axis: 2 });
    values = g.op('Concat', [past.value, values], { axis: 2 });
  }
  const scores = g.op('Add', [
    g.op('Div', [
      g.op('MatMul', [splitHeads(g, q, width), g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]),
      g.scalar(Math.sqrt(hidden / width.heads)),
    ]),
    bias,
  ]);
  const mixed = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), values]);
  const merged = g.op('Reshape', [
    g.op('Transpose', [mixed], { perm: [0, 2, 1, 3] }),
    g.i64([0, 0, hidden]),
  ]);
  const out = linear(g, merged, hidden, hidden, normal);
  return past ? { out, present: { key: keys, value: values } } : { out };
}

/** A feed-forward block: linear → GELU → linear, 4× wide. */
export function feedForward(
  g: GraphBuilder,
  x: string,
  hidden: number,
  normal: (std: number) => number,
): string {
  return linear(g, gelu(g, linear(g, x, hidden, 4 * hidden, normal)), 4 * hidden, hidden, normal);
}

/** `(1 − mask)·(−1e9)` as float, shaped `[B, 1, 1, T]` for broadcasting over heads and queries. */
export function paddingBias(g: GraphBuilder, mask: string): string {
  const keep = g.op('Cast', [mask], { to: 1 });
  const blocked = g.op('Mul', [g.op('Sub', [g.scalar(1), keep]), g.scalar(-1e9)]);
  return g.op('Unsqueeze', [blocked, g.i64([1, 2])]);
}
