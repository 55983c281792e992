import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportMlpToOnnx, FLOAT, GraphBuilder, seededNormal, smallMlp } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { estimateConstraints, linearTerms } from '../circuit/generate-circom.js';
import { CircuitTooLargeError } from '../errors.js';
import { type CircuitMode, lowerGraph } from '../lower/lower-graph.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import {
  CIRCOM2_MAX_R1CS_TERMS,
  CIRCOM2_MAX_TERMS,
  CircuitCompiler,
  DEFAULT_MAX_CONSTRAINTS,
} from './circuit-compiler.js';

/** The constraint count in an R1CS file's header section (iden3's binary format). */
async function r1csConstraints(path: string): Promise<number> {
  const bytes = await readFile(path);
  let at = 12; // "r1cs", version, number of sections
  for (;;) {
    const type = bytes.readUInt32LE(at);
    const size = Number(bytes.readBigUInt64LE(at + 4));
    if (type === 1) {
      const n8 = bytes.readUInt32LE(at + 12);
      // field size, prime, wires, public outputs, public inputs, private inputs, labels (u64), then constraints
      return bytes.readUInt32LE(at + 12 + 4 + n8 + 16 + 8);
    }
    at += 12 + size;
  }
}

describe('the constraint budget', () => {
  it('estimates at or above the compiled constraint count, and within half again of it', async () => {
    for (const [sizes, mode] of [
      [[8, 6, 3], 'public'],
      [[64, 32, 10], 'public'],
      [[16, 12, 4], 'private'],
    ] as [number[], CircuitMode][]) {
      const onnx = exportMlpToOnnx(smallMlp(sizes, 3));
      const estimate = estimateConstraints(lowerGraph(decodeOnnxGraph(onnx), { mode }));
      const dir = await mkdtemp(join(tmpdir(), 'mt-zk-budget-'));
      const circuit = await new CircuitCompiler().compileModel(onnx, dir, { mode });
      const actual = await r1csConstraints(circuit.build('O2').r1cs);
      expect(estimate, `${mode} ${sizes}`).toBeGreaterThanOrEqual(actual);
      expect(estimate, `${mode} ${sizes}`).toBeLessThanOrEqual(1.5 * actual);
    }
  });

  it('refuses a model over the budget before writing or compiling anything, with the figures', async () => {
    const onnx = exportMlpToOnnx(smallMlp([8, 6, 3], 3));
    const dir = join(await mkdtemp(join(tmpdir(), 'mt-zk-budget-')), 'never');
    const refusal = await new CircuitCompiler()
      .compileModel(onnx, dir, { maxConstraints: 100 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(CircuitTooLargeError.isInstance(refusal)).toBe(true);
    const error = refusal as CircuitTooLargeError;
    expect(error.maxConstraints).toBe(100);
    expect(error.constraints).toBeGreaterThan(100);
    expect(error.ptauPower).toBeGreaterThanOrEqual(Math.log2(error.constraints));
    expect(error.message).toContain('--max-constraints');
    await expect(readFile(join(dir, 'circuit.circom'))).rejects.toThrow(/ENOENT/);
  });

  /** 784 → `width` → ReLU: 784 × `width` multiply-accumulates, each a term, and few constraints. */
  function wide(width: number): Uint8Array {
    const g = new GraphBuilder();
    const normal = seededNormal(5);
    const x = g.input('x', FLOAT, [1, 784]);
    const w = g.f32(
      [784, width],
      Float32Array.from({ length: 784 * width }, () => normal(0.2)),
    );
    g.output('y', g.op('Relu', [g.op('MatMul', [x, w])]), FLOAT, [1, width]);
    return g.encode('wide');
  }

  it("splits the witness of a model past circom2's witness generator, far under the budget", async () => {
    // 784 → 520: 407,680 terms, about 25,000 constraints.
    const onnx = wide(520);
    const program = lowerGraph(decodeOnnxGraph(onnx));
    expect(estimateConstraints(program)).toBeLessThan(DEFAULT_MAX_CONSTRAINTS);
    expect(linearTerms(program)).toBeGreaterThan(CIRCOM2_MAX_TERMS);
    const dir = await mkdtemp(join(tmpdir(), 'mt-zk-split-'));
    const circuit = await new CircuitCompiler().compileModel(onnx, dir, { optimizations: [] });
    expect(circuit.metadata.splitWitness).toBe(true);
    expect((await readFile(join(dir, 'model.onnx'))).equals(Buffer.from(onnx))).toBe(true);
    const witness = await readFile(join(dir, 'witness.circom'), 'utf8');
    expect(witness).toContain(`signal input s[${program.steps.length + 520}];`);
    // The terms are in the circuit only: the witness circuit reads each sum.
    expect(witness).not.toMatch(/acc \+= /);
    expect(await readFile(join(dir, 'circuit.circom'), 'utf8')).toMatch(/acc \+= /);
  }, 120_000);

  it("refuses a model past circom2's linear terms before circom2 starts, whatever the constraint budget", async () => {
    // 784 → 1000: 784,000 terms, past what circom2 compiles even as R1CS alone.
    const onnx = wide(1000);
    const program = lowerGraph(decodeOnnxGraph(onnx));
    expect(estimateConstraints(program)).toBeLessThan(DEFAULT_MAX_CONSTRAINTS);
    expect(linearTerms(program)).toBeGreaterThan(CIRCOM2_MAX_R1CS_TERMS);

    const dir = join(await mkdtemp(join(tmpdir(), 'mt-zk-terms-')), 'never');
    const refusal: unknown = await new CircuitCompiler().compileModel(onnx, dir).catch((e) => e);
    expect(CircuitTooLargeError.isInstance(refusal)).toBe(true);
    const error = refusal as CircuitTooLargeError;
    expect(error.terms).toBe(linearTerms(program));
    expect(error.maxTerms).toBe(CIRCOM2_MAX_R1CS_TERMS);
    expect(error.message).toMatch(/over the 750,000 linear terms circom2 compiles/);
    await expect(readFile(join(dir, 'circuit.circom'))).rejects.toThrow(/ENOENT/);
  }, 120_000);
});
