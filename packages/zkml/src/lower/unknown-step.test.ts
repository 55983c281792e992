import { FLOAT, GraphBuilder } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { generateCircom } from '../circuit/generate-circom.js';
import { ZkmlError } from '../errors.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { evaluateProgram } from './evaluate-program.js';
import { lowerGraph } from './lower-graph.js';
import type { Step } from './program.js';

describe('a dispatch over step kinds', () => {
  it('refuses a step of a kind of its own, in the evaluator and the generator, rather than running it as another', () => {
    const g = new GraphBuilder();
    const x = g.input('x', FLOAT, [1, 2]);
    g.output('y', g.op('Relu', [x]), FLOAT, [1, 2]);
    const program = lowerGraph(decodeOnnxGraph(g.encode('relu')));
    expect(program.steps.length).toBeGreaterThan(0);
    const forged = {
      ...program,
      steps: [...program.steps, { kind: 'magic', out: 0 } as unknown as Step],
    };
    for (const run of [() => evaluateProgram(forged, [1n, 2n], 0), () => generateCircom(forged)]) {
      const error = (() => {
        try {
          run();
        } catch (e) {
          return e;
        }
      })();
      expect(ZkmlError.isInstance(error)).toBe(true);
      expect((error as ZkmlError).code).toBe('MT_ZKML_UNKNOWN_STEP');
      expect((error as Error).message).toContain('"magic"');
    }
  });
});
