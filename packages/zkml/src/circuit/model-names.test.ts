import { FLOAT, GraphBuilder } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { lowerGraph } from '../lower/lower-graph.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { generateCircom } from './generate-circom.js';

describe('names from the model file in the generated circuit', () => {
  it('cannot end their comment: a newline in an input or output name stays inside it', () => {
    const payload = 'x\nsignal input injected;\n\u2028component evil = Argmax(1, 1);\r//';
    const g = new GraphBuilder();
    const x = g.input(payload, FLOAT, [1, 2]);
    g.output(`y\n${payload}`, g.op('Relu', [x]), FLOAT, [1, 2]);
    const { lines } = generateCircom(lowerGraph(decodeOnnxGraph(g.encode('hostile'))));
    const source = lines.join('\n');
    expect(source).not.toMatch(/^\s*signal input injected/m);
    expect(source).not.toMatch(/^\s*component evil/m);
    // Each name sits on its one comment line, printable ASCII only.
    const comments = lines.filter(
      (line) => line.startsWith('// input') || line.startsWith('// output'),
    );
    expect(comments).toHaveLength(2);
    for (const line of comments) expect(line).toMatch(/^[\x20-\x7e]*$/);
    expect(comments[0]).toContain('\\nsignal input injected;');
  });
});
