import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOAT, GraphBuilder, INT64, seededNormal } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Circuit } from '../circuit/circuit.js';
import { circuitFiles } from '../circuit/circuit.js';
import { splitWitnessSums } from '../circuit/generate-circom.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { ProofGenerationError } from '../errors.js';
import { evaluateProgram } from '../lower/evaluate-program.js';
import { lowerGraph } from '../lower/lower-graph.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { setupCircuit } from '../setup/trusted-setup.js';
import { loadSnarkjs } from './load-snarkjs.js';
import { ProofGenerator } from './proof-generator.js';
import { ProofVerifier } from './proof-verifier.js';
import { remapWitness, splitWitness } from './split-witness.js';

/**
 * A model with every kind of constrained step: a convolution and ReLU
 * (shifts), a product, LayerNorm (a square root and divisions), a softmax
 * (exponentials' domain checks), a comparison (a sign) and an ArgMax.
 */
function model(): Uint8Array {
  const g = new GraphBuilder();
  const normal = seededNormal(5);
  const w = (dims: number[], std = 0.5) =>
    g.f32(
      dims,
      Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => normal(std)),
    );
  const x = g.input('x', FLOAT, [1, 1, 6, 6]);
  const conv = g.op('Relu', [g.op('Conv', [x, w([2, 1, 3, 3])])]);
  const flat = g.op('Reshape', [conv, g.i64([1, 32])]);
  const dense = g.op('MatMul', [flat, w([32, 4])]);
  const squared = g.op('Mul', [dense, dense]);
  const normed = g.op('LayerNormalization', [g.op('Add', [dense, squared]), w([4], 1), w([4])], {
    axis: -1,
    epsilon: { float: 1e-5 },
  });
  g.output('p', g.op('Softmax', [normed], { axis: -1 }), FLOAT, [1, 4]);
  g.output('best', g.op('ArgMax', [dense], { axis: 1, keepdims: 0 }), INT64, [1]);
  g.output(
    'positive',
    g.op('Cast', [g.op('Greater', [dense, g.scalar(0)])], { to: 1 }),
    FLOAT,
    [1, 4],
  );
  return g.encode('split-witness', 17);
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

const input = (seed: number) => {
  const normal = seededNormal(seed);
  return Array.from({ length: 36 }, () => normal(0.5));
};

describe('a split witness (the witness computed by a witness circuit, then mapped)', () => {
  const bytes = model();
  let whole: Circuit;
  let split: Circuit;
  let generator: ProofGenerator;

  beforeAll(async () => {
    const compiler = new CircuitCompiler();
    const work = await mkdtemp(join(tmpdir(), 'mt-zkml-split-'));
    whole = await compiler.compileModel(bytes, join(work, 'whole'), { inputBits: 10 });
    split = await compiler.compileModel(bytes, join(work, 'split'), {
      inputBits: 10,
      splitWitness: true,
    });
    await setupCircuit(split, { system: 'groth16' });
    generator = await ProofGenerator.load(split.dir);
  }, 600_000);
  afterAll(() => generator?.close());

  it('covers every kind of step, and the circuit is the same one', async () => {
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 10 });
    expect(new Set(program.steps.map((s) => s.kind))).toEqual(
      new Set(['shift', 'sign', 'mul', 'div', 'require', 'sqrt', 'argmax']),
    );
    expect(split.metadata.splitWitness).toBe(true);
    expect(whole.metadata.splitWitness).toBeUndefined();
    expect(split.build('O2').wasm).toMatch(/witness_js[\\/]witness\.wasm$/);
    const [a, b] = await Promise.all([
      readFile(split.build('O2').r1cs),
      readFile(whole.build('O2').r1cs),
    ]);
    expect(a.equals(b)).toBe(true);
  });

  it("gives, byte for byte, the witness of circom2's own generator", async () => {
    const snarkjs = await loadSnarkjs();
    for (const seed of [1, 2, 3]) {
      const witnessInput = await split.witnessInput(input(seed));
      const ours = await splitWitness(split, 'O2', witnessInput);
      const theirs: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
      await snarkjs.wtns.calculate(witnessInput, whole.build('O2').wasm, theirs);
      expect(Buffer.from(ours).equals(Buffer.from(theirs.data ?? []))).toBe(true);
    }
  });

  it('proves, and the proof verifies with the outputs the program computes', async () => {
    const proof = await generator.generateProof(input(4));
    const verifier = await ProofVerifier.load(split.dir);
    try {
      expect(await verifier.verify(proof)).toBe(true);
    } finally {
      await verifier.close();
    }
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 10 });
    const x = split.quantizeInput(input(4)).map(BigInt);
    expect(proof.outputs).toEqual(evaluateProgram(program, x, 0).outputs);
  });

  it('a prover who changes one sum gets a witness the circuit rejects, and no valid proof', async () => {
    const snarkjs = await loadSnarkjs();
    const build = split.build('O2');
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 10 });
    const witnessInput = await split.witnessInput(input(5));
    const x = split.quantizeInput(input(5)).map(BigInt);
    const sums = splitWitnessSums(program, evaluateProgram(program, x, 0).signals);
    const honest = await splitWitness(split, 'O2', witnessInput, sums);
    expect(await snarkjs.wtns.check(build.r1cs, { type: 'mem', data: honest }, silent)).toBe(true);
    // The last sum is an output: the witness circuit takes it as given, the circuit does not.
    const forged = sums.map((s, i) => (i === sums.length - 1 ? s + 1n : s));
    const wtns = await splitWitness(split, 'O2', witnessInput, forged);
    expect(await snarkjs.wtns.check(build.r1cs, { type: 'mem', data: wtns }, silent)).toBe(false);
    const zkey = split.file(generator.setup.zkey);
    const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, { type: 'mem', data: wtns });
    const key = JSON.parse(await readFile(split.file(circuitFiles.verificationKey), 'utf8'));
    expect(await snarkjs.groth16.verify(key, publicSignals, proof)).toBe(false);
  });

  it('proves with PLONK too, from its O1 build', async () => {
    await setupCircuit(split, { system: 'plonk' });
    const plonk = await ProofGenerator.load(split.dir, { system: 'plonk' });
    const verifier = await ProofVerifier.load(split.dir);
    try {
      const proof = await plonk.generateProof(input(7));
      expect(proof.system).toBe('plonk');
      expect(await verifier.check(proof, { input: input(7) })).toMatchObject({ valid: true });
    } finally {
      await plonk.close();
      await verifier.close();
    }
  }, 600_000);

  it('refuses a model file changed since compile, and a witness that is not one', async () => {
    const copy = split.file(circuitFiles.model);
    const original = await readFile(copy);
    await writeFile(copy, Buffer.concat([original, Buffer.of(0)]));
    try {
      const other = await ProofGenerator.load(split.dir);
      const failed = await other.generateProof(input(6)).then(
        () => undefined,
        (error: unknown) => error,
      );
      await other.close();
      expect(ProofGenerationError.isInstance(failed)).toBe(true);
      expect(String((failed as Error).message)).toMatch(
        /not that of the model .* was compiled from/,
      );
    } finally {
      await writeFile(copy, original);
    }
    const map = new Uint32Array([0, 5]);
    expect(() => remapWitness(new TextEncoder().encode('not a witness file'), map)).toThrow(
      /not a \.wtns file/,
    );
  });
});
