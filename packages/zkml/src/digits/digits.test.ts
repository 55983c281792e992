import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { UnsupportedOnnxOpError } from '../errors.js';
import { argmax, evaluateMlp, type Mlp } from '../onnx/mlp.js';
import { parseOnnxMlp } from '../onnx/parse-onnx.js';
import {
  evaluateFixedPoint,
  floorShift,
  measureQuantizationError,
  quantizeMlp,
} from '../quantize/fixed-point-mlp.js';
import { loadMnist } from '../test-support/mnist-data.js';
import { exportMlpToOnnx } from './export-onnx.js';
import { accuracy, trainMlp } from './train-mlp.js';

let model: Mlp;
let data: ReturnType<typeof loadMnist>;

beforeAll(() => {
  data = loadMnist(0.2);
  model = trainMlp(data.train, 10, { hidden: 32, epochs: 3, seed: 7 });
}, 120_000);

async function runOnnx(bytes: Uint8Array, inputs: number[][]): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const out = await session.run({
      input: new ort.Tensor('float32', Float32Array.from(inputs.flat()), [
        inputs.length,
        inputs[0]?.length ?? 0,
      ]),
    });
    const logits = out.logits as ort.Tensor;
    const width = logits.dims[1] ?? 0;
    const values = Array.from(logits.data as Float32Array);
    return inputs.map((_, r) => values.slice(r * width, (r + 1) * width));
  } finally {
    await session.release();
  }
}

describe('the digits model', () => {
  it('learns real handwritten digits: held-out accuracy above 85 %', () => {
    expect(data.train.inputs.length).toBeGreaterThan(7_900);
    expect(data.test.inputs.length).toBeGreaterThan(1_900);
    expect(accuracy(model, data.test)).toBeGreaterThan(0.85);
  });

  it('exports to ONNX that onnxruntime runs to the same logits, and parses back to the same model', async () => {
    const bytes = exportMlpToOnnx(model, 'digits');
    const sample = data.test.inputs.slice(0, 64);
    const fromOrt = await runOnnx(bytes, sample);
    sample.forEach((x, r) => {
      const ours = evaluateMlp(model, x);
      for (const [c, v] of ours.entries()) {
        expect(Math.abs(v - (fromOrt[r]?.[c] ?? Number.NaN))).toBeLessThan(1e-4);
      }
    });
    const parsed = parseOnnxMlp(bytes);
    expect(parsed.inputSize).toBe(784);
    expect(parsed.outputSize).toBe(10);
    expect(parsed.layers.map((l) => l.kind)).toEqual(['dense', 'relu', 'dense']);
    const reparsed = evaluateMlp(parsed, sample[0] ?? []);
    for (const [c, v] of evaluateMlp(model, sample[0] ?? []).entries()) {
      expect(Math.abs(v - (reparsed[c] ?? 0))).toBeLessThan(1e-4);
    }
  });

  it('keeps its answers under 8-bit fixed point, within the reported error, same argmax as onnxruntime', async () => {
    const { model: fixed, report } = quantizeMlp(model, 8);
    expect(report.maxWeightError).toBeLessThanOrEqual(2 ** -9 + 1e-12);
    expect(report.maxBiasError).toBeLessThanOrEqual(2 ** -17 + 1e-12);
    const sample = data.test.inputs.slice(0, 500);
    const error = measureQuantizationError(model, fixed, sample);
    expect(error.maxAbsError).toBeLessThan(0.1);
    expect(error.argmaxAgreement).toBeGreaterThan(0.99);
    const fromOrt = await runOnnx(exportMlpToOnnx(model), sample.slice(0, 100));
    let agree = 0;
    sample.slice(0, 100).forEach((x, r) => {
      if (evaluateFixedPoint(fixed, x).predicted === argmax(fromOrt[r] ?? [])) agree += 1;
    });
    expect(agree).toBeGreaterThanOrEqual(99);
  });
});

describe('fixed point', () => {
  it('shifts with floor for both signs, as the circuit will', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 40n), max: 1n << 40n }),
        fc.integer({ min: 1, max: 20 }),
        (a, bits) => {
          expect(floorShift(a, bits)).toBe(BigInt(Math.floor(Number(a) / 2 ** bits)));
        },
      ),
    );
  });
});

describe('parseOnnxMlp errors', () => {
  it('names an unsupported operator', () => {
    const bytes = exportMlpToOnnx(model);
    // Re-encode with the Relu turned into a Sigmoid.
    const text = Buffer.from(bytes);
    const at = text.indexOf(Buffer.from('Relu'));
    Buffer.from('Tanh').copy(text, at);
    const error = (() => {
      try {
        parseOnnxMlp(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(UnsupportedOnnxOpError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ op: 'Tanh' });
  });

  it('refuses bytes that are not ONNX, naming the problem', () => {
    expect(() => parseOnnxMlp(Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]))).toThrow(
      /Malformed ONNX model/,
    );
  });
});
