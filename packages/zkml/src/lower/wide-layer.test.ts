import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, seededNormal } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { generateCircom } from '../circuit/generate-circom.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { ProofGenerator } from '../prove/proof-generator.js';
import { ProofVerifier } from '../prove/proof-verifier.js';
import { setupCircuit } from '../setup/trusted-setup.js';
import { evaluateProgram } from './evaluate-program.js';
import { lowerGraph } from './lower-graph.js';

describe('a wide layer (784 × 2500, public mode)', () => {
  it('lowers and generates without overflowing the stack, its multiply-accumulates free', () => {
    const g = new GraphBuilder();
    const normal = seededNormal(3);
    const x = g.input('x', FLOAT, [1, 784]);
    const w = g.f32(
      [784, 2500],
      Float32Array.from({ length: 784 * 2500 }, () => normal(0.05)),
    );
    g.output('y', g.op('Relu', [g.op('MatMul', [x, w])]), FLOAT, [1, 2500]);
    const program = lowerGraph(decodeOnnxGraph(g.encode('wide')));
    // One ReLU per output; the 1 960 000 products are linear terms, not steps.
    expect(program.steps.length).toBe(2500);
    expect(program.steps.every((s) => s.kind === 'shift' && s.relu)).toBe(true);
    const source = generateCircom(program).lines.join('\n');
    expect(source.split('component c').length - 1).toBe(2500);
    expect(source.length).toBeGreaterThan(784 * 2500 * 8);
  }, 120_000);
});

describe('a value that many multiply-accumulates read', () => {
  const normal = seededNormal(11);
  const weights = (g: GraphBuilder, dims: number[]) =>
    g.f32(
      dims,
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => normal(0.2)),
    );

  it('is rescaled once, not once per read: an average pool feeding a convolution (LeNet-5)', () => {
    const g = new GraphBuilder();
    const x = g.input('x', FLOAT, [1, 1, 12, 12]);
    const c1 = g.op('Relu', [g.op('Conv', [x, weights(g, [4, 1, 3, 3])])]);
    const pooled = g.op('AveragePool', [c1], { kernel_shape: [2, 2], strides: [2, 2] });
    g.output('y', g.op('Conv', [pooled, weights(g, [8, 4, 3, 3])]), FLOAT, [1, 8, 3, 3]);
    const program = lowerGraph(decodeOnnxGraph(g.encode('pool-conv')));
    // 400 ReLUs, one rescale per pooled value (100) and per output (72);
    // one per read of a pooled value would be 72 × 36 = 2,592.
    expect(program.steps.length).toBe(400 + 100 + 72);
  });

  /** 784 → 100 (linear) → 90 (ReLU) → 10: the MLP that lowered to 9,100 steps and crashed circom2. */
  function linearMlp(): Uint8Array {
    const g = new GraphBuilder();
    const x = g.input('x', FLOAT, [1, 784]);
    const linear = g.op('MatMul', [x, weights(g, [784, 100])]);
    const hidden = g.op('Relu', [g.op('MatMul', [linear, weights(g, [100, 90])])]);
    g.output('y', g.op('MatMul', [hidden, weights(g, [90, 10])]), FLOAT, [1, 10]);
    return g.encode('linear-mlp');
  }

  it('is rescaled once: a linear layer feeding another (the 9,100-step MLP)', () => {
    const program = lowerGraph(decodeOnnxGraph(linearMlp()));
    // 100 rescales of the linear layer, 90 ReLUs, 10 output rescales; one
    // rescale per read of the linear layer would add 100 × 90 − 100.
    expect(program.steps.length).toBe(100 + 90 + 10);
  });

  it("compiles and proves the 9,100-step MLP (Groth16), its outputs the program's", async () => {
    const onnx = linearMlp();
    const options = { inputBits: 10 };
    const dir = await mkdtemp(join(tmpdir(), 'mt-linear-mlp-'));
    const circuit = await new CircuitCompiler().compileModel(onnx, dir, options);
    await setupCircuit(circuit, { system: 'groth16' });
    const generator = await ProofGenerator.load(dir);
    const verifier = await ProofVerifier.load(dir);
    try {
      const normal = seededNormal(12);
      const input = Array.from({ length: 784 }, () => Math.max(-1, Math.min(1, normal(0.4))));
      const proof = await generator.generateProof(input);
      expect(await verifier.check(proof, { input })).toMatchObject({ valid: true });
      const program = lowerGraph(decodeOnnxGraph(onnx), options);
      expect(proof.outputs).toEqual(
        evaluateProgram(program, circuit.quantizeInput(input), 0).outputs,
      );
    } finally {
      await generator.close();
      await verifier.close();
    }
  }, 600_000);
});
