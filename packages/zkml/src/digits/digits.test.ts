import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accuracy, exportMlpToOnnx, loadMnist, runOnnx, trainMlp } from '@mt/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { UnsupportedOnnxOpError } from '../errors.js';
import { floatAlgebra } from '../graph/float-algebra.js';
import { runGraph } from '../graph/run-graph.js';
import { evaluateProgram, floorShift } from '../lower/evaluate-program.js';
import { lowerGraph } from '../lower/lower-graph.js';
import { quantizeInput } from '../lower/quantize-input.js';
import { argmax, evaluateMlp, type Mlp } from '../onnx/mlp.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { loadSnarkjs } from '../prove/load-snarkjs.js';

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

  it('exports to ONNX that onnxruntime and the float reference run to the same logits', async () => {
    const bytes = exportMlpToOnnx(model, 'digits');
    const graph = decodeOnnxGraph(bytes);
    expect(graph.inputs[0]?.dims).toEqual([1, 784]);
    const sample = data.test.inputs.slice(0, 64);
    const fromOrt = await runOnnx(bytes, sample);
    sample.forEach((x, r) => {
      const ours = evaluateMlp(model, x);
      const [reference] = runGraph(graph, floatAlgebra, [{ dims: [1, 784], data: x }]);
      for (const [c, v] of ours.entries()) {
        expect(Math.abs(v - (fromOrt[r]?.[c] ?? Number.NaN))).toBeLessThan(1e-4);
        expect(Math.abs(v - (reference?.data[c] ?? Number.NaN))).toBeLessThan(1e-4);
      }
    });
  });

  it('keeps its answers under 8-bit fixed point: within the stated bound of onnxruntime, same argmax', async () => {
    const bytes = exportMlpToOnnx(model);
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 10 });
    const sample = data.test.inputs.slice(0, 200);
    const fromOrt = await runOnnx(bytes, sample);
    let agree = 0;
    let worst = 0;
    sample.forEach((x, r) => {
      const result = evaluateProgram(
        program,
        quantizeInput({ inputSize: 784, scaleBits: 8, inputBits: 10 }, x),
        2 ** -9,
      );
      const ort = fromOrt[r] ?? [];
      result.outputs.forEach((v, c) => {
        worst = Math.max(worst, Math.abs(v - (ort[c] ?? 0)));
        expect(Math.abs(v - (ort[c] ?? Number.NaN))).toBeLessThanOrEqual(
          (result.errorBound[c] ?? 0) + 1e-4,
        );
      });
      if (argmax(result.outputs) === argmax(ort)) agree += 1;
    });
    expect(worst).toBeLessThan(0.1);
    expect(agree).toBeGreaterThanOrEqual(198);
  });
});

describe('the digits circuit', () => {
  it('computes, inside the circuit, the fixed-point logits exactly: within the stated bound of onnxruntime, same argmax', async () => {
    const bytes = exportMlpToOnnx(model, 'digits');
    const dir = await mkdtemp(join(tmpdir(), 'mt-digits-circuit-'));
    const circuit = await new CircuitCompiler().compileModel(bytes, dir, { inputBits: 10 });
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 10 });
    const sample = data.test.inputs.filter((_, i) => i % 97 === 0).slice(0, 12);
    const fromOrt = await runOnnx(bytes, sample);
    const snarkjs = await loadSnarkjs();
    for (const [r, x] of sample.entries()) {
      const wtns = join(dir, `w${r}.wtns`);
      await snarkjs.wtns.calculate(await circuit.witnessInput(x), circuit.build('O2').wasm, wtns);
      const witness = await snarkjs.wtns.exportJson(wtns);
      const signals = witness.slice(1, 1 + 10 + 3).map(String);
      const decoded = circuit.decode(signals);
      const reference = evaluateProgram(program, circuit.quantizeInput(x), 2 ** -9);
      expect(decoded.outputs).toEqual(reference.outputs);
      expect(decoded.inputHash).toBe(circuit.inputHash(x));
      expect(decoded.modelHash).toBe(circuit.metadata.modelHash);
      const ort = fromOrt[r] ?? [];
      decoded.outputs.forEach((value, c) => {
        expect(Math.abs(value - (ort[c] ?? Number.NaN))).toBeLessThanOrEqual(
          (reference.errorBound[c] ?? 0) + 1e-4,
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

describe('decoding errors', () => {
  it('names an unsupported operator, with the node it is in', () => {
    const bytes = exportMlpToOnnx(model);
    // Re-encode with the Relu turned into an operator not supported yet, of the same length.
    const text = Buffer.from(bytes);
    const at = text.indexOf(Buffer.from('Relu'));
    Buffer.from('TopK').copy(text, at);
    const error = (() => {
      try {
        lowerGraph(decodeOnnxGraph(text));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(UnsupportedOnnxOpError.isInstance(error)).toBe(true);
    expect((error as UnsupportedOnnxOpError).nodes.map((n) => n.op)).toEqual(['TopK']);
  });

  it('refuses bytes that are not ONNX, naming the problem', () => {
    expect(() => decodeOnnxGraph(Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]))).toThrow(
      /Malformed ONNX model/,
    );
  });
});
