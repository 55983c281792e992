import { FLOAT, GraphBuilder, seededNormal } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { generateCircom } from '../circuit/generate-circom.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
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
