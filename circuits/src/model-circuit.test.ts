import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, runOnnxModel, seededNormal } from '@mt/testing';
import {
  type Circuit,
  CircuitCompiler,
  decodeOnnxGraph,
  evaluateProgram,
  type FixedPointProgram,
  InvalidZkmlInputError,
  lowerGraph,
} from '@mt/zkml';
import { estimateConstraints } from '@mt/zkml/internal';
import * as snarkjs from 'snarkjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readR1cs, unconstrainedSignals, violated } from './r1cs.js';

// One small model that uses every kind of constrained step the lowering
// makes: rescales, ReLUs (Conv+BatchNorm+Relu, MaxPool, Sigmoid's hinges),
// signs (Greater, Where), products (a two-tensor Mul), an ArgMax, divisions
// (Softmax), a required domain (an Exp of the dense output minus 2), the
// log approximation (LogSoftmax), floors (Round, half to even, and a Cast of
// a computed float to an integer) and a square root (LayerNormalization).
function compositeModel(): Uint8Array {
  const g = new GraphBuilder();
  const normal = seededNormal(5);
  const w = (dims: number[], std = 0.5) =>
    g.f32(
      dims,
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => normal(std)),
    );
  const x = g.input('x', FLOAT, [1, 1, 6, 6]);
  const conv = g.op('Conv', [x, w([2, 1, 3, 3]), w([2])], { pads: [1, 1, 1, 1] });
  const bn = g.op('BatchNormalization', [
    conv,
    w([2], 1),
    w([2]),
    w([2]),
    g.f32([2], Float32Array.of(1, 2)),
  ]);
  const pooled = g.op('MaxPool', [g.op('Relu', [bn])], { kernel_shape: [2, 2], strides: [2, 2] });
  const flat = g.op('Flatten', [pooled]);
  const dense = g.op('Gemm', [flat, w([4, 18]), w([4])], { transB: 1 });
  const gate = g.op('Sigmoid', [dense]);
  const mixed = g.op('Mul', [gate, dense]);
  const chosen = g.op('Where', [g.op('Greater', [dense, g.scalar(0)]), mixed, g.scalar(-0.25)]);
  const label = g.op('Cast', [g.op('ArgMax', [chosen], { axis: 1, keepdims: 0 })], { to: 1 });
  const probabilities = g.op('Softmax', [dense]);
  const logProbabilities = g.op('LogSoftmax', [dense]);
  const decay = g.op('Exp', [g.op('Sub', [dense, g.scalar(2)])]);
  const rounded = g.op('Round', [g.op('Mul', [dense, g.scalar(3)])]);
  const truncated = g.op('Cast', [g.op('Cast', [dense], { to: 7 })], { to: 1 });
  const normalized = g.op('LayerNormalization', [dense, w([4], 1), w([4])], { axis: -1 });
  g.output('scores', chosen, FLOAT, [1, 4]);
  g.output('label', label, FLOAT, [1]);
  g.output('probabilities', probabilities, FLOAT, [1, 4]);
  g.output('decay', decay, FLOAT, [1, 4]);
  g.output('logProbabilities', logProbabilities, FLOAT, [1, 4]);
  g.output('rounded', rounded, FLOAT, [1, 4]);
  g.output('truncated', truncated, FLOAT, [1, 4]);
  g.output('normalized', normalized, FLOAT, [1, 4]);
  return g.encode('composite');
}

let circuit: Circuit;
let program: FixedPointProgram;
const bytes = compositeModel();

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mt-composite-'));
  circuit = await new CircuitCompiler().compileModel(bytes, dir, { scaleBits: 8 });
  program = lowerGraph(decodeOnnxGraph(bytes), { scaleBits: 8 });
}, 300_000);

async function witness(input: number[]): Promise<bigint[]> {
  const file = join(circuit.dir, `${Math.random()}.wtns`);
  await snarkjs.wtns.calculate(await circuit.witnessInput(input), circuit.build('O2').wasm, file);
  return snarkjs.wtns.exportJson(file);
}

const inputOf = (seed: number) => {
  const normal = seededNormal(seed);
  return Array.from({ length: 36 }, () => Math.max(-2, Math.min(2, normal(1))));
};

describe('a model circuit with every kind of step', () => {
  it('computes what the TypeScript program computes, within the stated bound of onnxruntime', async () => {
    expect(new Set(program.steps.map((s) => s.kind))).toEqual(
      new Set(['shift', 'sign', 'mul', 'argmax', 'div', 'require', 'sqrt']),
    );
    for (const seed of [1, 2, 3, 4]) {
      const input = inputOf(seed);
      const w = await witness(input);
      const decoded = circuit.decode(w.slice(1, 1 + circuit.metadata.outputSize + 3).map(String));
      const expected = evaluateProgram(program, circuit.quantizeInput(input), 2 ** -9);
      expect(decoded.outputs).toEqual(expected.outputs);
      expect(decoded.modelHash).toBe(circuit.metadata.modelHash);
      const ort = await runOnnxModel(bytes, { x: { dims: [1, 1, 6, 6], data: input } });
      const reference = [
        'scores',
        'label',
        'probabilities',
        'decay',
        'logProbabilities',
        'rounded',
        'truncated',
        'normalized',
      ].flatMap((name) => ort[name]?.data ?? []);
      expect(reference.length).toBe(decoded.outputs.length);
      decoded.outputs.forEach((v, i) => {
        expect(Math.abs(v - (reference[i] ?? Number.NaN))).toBeLessThanOrEqual(
          (expected.errorBound[i] ?? 0) + 1e-4,
        );
      });
    }
  });

  it('has no witness for an input that takes the Exp outside x ≤ 0, and the TypeScript program says why', async () => {
    // Large inputs (in range: inputs are 16-bit at 2^8) push a dense output above 2.
    const scaled = inputOf(1).map((v) => v * 50);
    const alternating = Array.from({ length: 36 }, (_, i) => (i % 2 === 0 ? 100 : -100));
    const candidates = [scaled, alternating, ...[scaled, alternating].map((x) => x.map((v) => -v))];
    const outside = candidates.find((input) => {
      try {
        evaluateProgram(program, circuit.quantizeInput(input), 0);
        return false;
      } catch (error) {
        expect(InvalidZkmlInputError.isInstance(error)).toBe(true);
        expect((error as Error).message).toMatch(/Exp .* is proved for inputs ≤ 0/);
        return true;
      }
    });
    expect(outside).toBeDefined();
    await expect(witness(outside ?? [])).rejects.toThrow(/RequireNonPositive/);
  });

  it('has no output or internal signal a malicious prover can change without breaking a constraint', async () => {
    const r1cs = await readR1cs(circuit.build('O2').r1cs);
    const w = await witness(inputOf(9));
    expect(violated(r1cs, w)).toEqual([]);
    expect(unconstrainedSignals(r1cs, w)).toEqual([]);
  });

  it("is no larger than the compiler's estimate, with every kind of step in it", async () => {
    const r1cs = await readR1cs(circuit.build('O2').r1cs);
    const estimate = estimateConstraints(program);
    expect(estimate).toBeGreaterThanOrEqual(r1cs.constraints.length);
    expect(estimate).toBeLessThanOrEqual(r1cs.constraints.length * 1.5);
  });
});
