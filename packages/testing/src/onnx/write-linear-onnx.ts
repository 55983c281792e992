import { writeFile } from 'node:fs/promises';
import { FLOAT, GraphBuilder } from './graph-builder.js';

/**
 * Writes a real ONNX model computing `y = x · W + b` (MatMul then Add) for a
 * `[1, inputs]` float input, with the given weights, so loader tests can run
 * it through onnxruntime and check the numbers.
 */
export async function writeLinearOnnx(
  path: string,
  weights: number[][],
  bias: number[],
): Promise<void> {
  const graph = new GraphBuilder();
  const x = graph.input('x', FLOAT, [1, weights.length]);
  const w = graph.f32([weights.length, bias.length], Float32Array.from(weights.flat()), 'W');
  const b = graph.f32([bias.length], Float32Array.from(bias), 'b');
  graph.op('Add', [graph.op('MatMul', [x, w], {}, 'xw'), b], {}, 'y');
  graph.output('y', 'y', FLOAT, [1, bias.length]);
  await writeFile(path, graph.encode('linear'));
}
