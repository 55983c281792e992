import type { Mlp } from '../mlp/mlp.js';
import { FLOAT, GraphBuilder } from './graph-builder.js';

/**
 * Writes an {@link Mlp} as an ONNX model (opset 17), as PyTorch's exporter
 * writes a `Linear`/`ReLU` stack: each dense layer a Gemm with `transB = 1`
 * (weights stored `[out][in]`), each ReLU a Relu; input `input` of shape
 * `[N, inputSize]`, output `logits`.
 */
export function exportMlpToOnnx(model: Mlp, name = 'mlp'): Uint8Array {
  const graph = new GraphBuilder();
  let current = graph.input('input', FLOAT, ['N', model.inputSize]);
  model.layers.forEach((layer, index) => {
    const output = index === model.layers.length - 1 ? 'logits' : `h${index}`;
    current =
      layer.kind === 'relu'
        ? graph.op('Relu', [current], {}, output)
        : graph.op(
            'Gemm',
            [
              current,
              graph.f32(
                [layer.weights.length, layer.weights[0]?.length ?? 0],
                Float32Array.from(layer.weights.flat()),
                `W${index}`,
              ),
              graph.f32([layer.bias.length], Float32Array.from(layer.bias), `b${index}`),
            ],
            { transB: 1 },
            output,
          );
  });
  graph.output('logits', current, FLOAT, ['N', model.outputSize]);
  return graph.encode(name);
}
