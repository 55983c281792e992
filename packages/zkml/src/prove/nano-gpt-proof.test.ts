import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nanoGptOnnx, runOnnxModel } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Circuit } from '../circuit/circuit.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { evaluateProgram } from '../lower/evaluate-program.js';
import { lowerGraph } from '../lower/lower-graph.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { setupCircuit } from '../setup/trusted-setup.js';
import { ProofGenerator } from './proof-generator.js';
import { ProofVerifier } from './proof-verifier.js';

// The smallest nanoGPT with every part of one: token and position
// embeddings, two blocks of causal self-attention (two heads) and a GELU MLP,
// LayerNorms and the LM head; about 32,000 constraints, so a 2^15 ptau.
// `pnpm --filter @mt/zkml bench:transformer` proves the larger one.
const shape = { vocab: 8, hidden: 4, heads: 2, context: 2, blocks: 2 };
const options = { scaleBits: 8, inputBits: 14 };
const bytes = nanoGptOnnx(shape);
let circuit: Circuit;
let generator: ProofGenerator;
let verifier: ProofVerifier;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mt-nano-gpt-'));
  circuit = await new CircuitCompiler().compileModel(bytes, dir, options);
  await setupCircuit(circuit, { system: 'groth16' });
  generator = await ProofGenerator.load(dir);
  verifier = await ProofVerifier.load(dir);
}, 600_000);

afterAll(async () => {
  await generator?.close();
  await verifier?.close();
});

describe('a two-block nanoGPT (groth16)', () => {
  it('proves its next-token logits within their stated bound of onnxruntime', async () => {
    const program = lowerGraph(decodeOnnxGraph(bytes), options);
    for (const tokens of [
      [3, 5],
      [7, 0],
    ]) {
      const proof = await generator.generateProof(tokens);
      expect(await verifier.check(proof, { input: tokens })).toMatchObject({ valid: true });
      const expected = evaluateProgram(program, circuit.quantizeInput(tokens), 0);
      expect(proof.outputs).toEqual(expected.outputs);

      const ort = await runOnnxModel(bytes, { tokens: { dims: [1, shape.context], data: tokens } });
      const logits = [...(ort.logits?.data ?? [])];
      expect(logits).toHaveLength(shape.vocab);
      proof.outputs.forEach((v, i) => {
        expect(Math.abs(v - (logits[i] ?? Number.NaN))).toBeLessThanOrEqual(
          (expected.errorBound[i] ?? 0) + 1e-4,
        );
      });
      // The proven next token is onnxruntime's, up to a tie within the bounds.
      const bound = Math.max(...expected.errorBound);
      expect(logits[proof.predicted ?? -1]).toBeGreaterThanOrEqual(Math.max(...logits) - 2 * bound);
    }
  });

  it('binds the proof to its tokens: another sequence does not verify', async () => {
    const proof = await generator.generateProof([1, 2]);
    expect(await verifier.check(proof, { input: [2, 1] })).toMatchObject({ valid: false });
  });
});
