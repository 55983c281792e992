import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, exportMlpToOnnx, loadMnist, runOnnx, trainMlp } from '@mt/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { UnsupportedOnnxOpError } from '../errors.js';
import { argmax, evaluateMlp, type Mlp } from '../onnx/mlp.js';
import { parseOnnxMlp } from '../onnx/parse-onnx.js';
import { loadSnarkjs } from '../prove/load-snarkjs.js';
import {
  evaluateFixedPoint,
  floorShift,
  measureQuantizationError,
  quantizationErrorBound,
  quantizeMlp,
} from '../quantize/fixed-point-mlp.js';

let model: Mlp;
let data: ReturnType<typeof loadMnist>;

beforeAll(() => {
  data = loadMnist(0.2);
  model = trainMlp(data.train, 10, { hidden: 32, epochs: 3, seed: 7 });
}, 120_000);

describe('the digits model', () => {
  it('learns real handwritten digits: held-out accuracy above 85 %', () => {
    expect(data.train.inputs.length).toBeGreaterThan(7_900);
    expect(data.test.inputs.length).toBeGreaterThan(1_900);
    expect(accuracy(data.test, (x) => argmax(evaluateMlp(model, x)))).toBeGreaterThan(0.85);
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

describe('the digits circuit', () => {
  it('computes, inside the circuit, the fixed-point logits exactly: within the stated bound of onnxruntime, same argmax', async () => {
    const bytes = exportMlpToOnnx(model, 'digits');
    const dir = await mkdtemp(join(tmpdir(), 'mt-digits-circuit-'));
    const circuit = await new CircuitCompiler().compileModel(bytes, dir, { inputBits: 10 });
    const { model: fixed } = quantizeMlp(parseOnnxMlp(bytes), 8);
    const sample = data.test.inputs.filter((_, i) => i % 97 === 0).slice(0, 12);
    const fromOrt = await runOnnx(bytes, sample);
    const snarkjs = await loadSnarkjs();
    for (const [r, x] of sample.entries()) {
      const wtns = join(dir, `w${r}.wtns`);
      await snarkjs.wtns.calculate(await circuit.witnessInput(x), circuit.build('O2').wasm, wtns);
      const witness = await snarkjs.wtns.exportJson(wtns);
      const signals = witness.slice(1, 1 + 10 + 3).map(String);
      const decoded = circuit.decode(signals);
      const reference = evaluateFixedPoint(fixed, x);
      expect(decoded.outputs).toEqual(reference.outputs);
      expect(decoded.inputHash).toBe(circuit.inputHash(x));
      expect(decoded.modelHash).toBe(circuit.metadata.modelHash);
      const bound = quantizationErrorBound(model, fixed, x);
      const ort = fromOrt[r] ?? [];
      decoded.outputs.forEach((value, c) => {
        expect(Math.abs(value - (ort[c] ?? Number.NaN))).toBeLessThanOrEqual(
          (bound[c] ?? 0) + 1e-4,
        );
      });
      expect(decoded.predicted).toBe(argmax(ort));
    }
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
