import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Proof } from '@mt/protocol';
import {
  exportMlpToOnnx,
  FLOAT,
  forestVotes,
  GraphBuilder,
  runOnnx,
  runOnnxModel,
  sampleInputs,
  seededNormal,
  smallMlp,
  treeEnsemble,
} from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Circuit } from '../circuit/circuit.js';
import { FIELD_PRIME } from '../circuit/packed-poseidon.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { InvalidZkmlInputError, ProofGenerationError } from '../errors.js';
import { evaluateProgram, type ProgramResult } from '../lower/evaluate-program.js';
import { type CircuitMode, lowerGraph } from '../lower/lower-graph.js';
import { quantizeInput } from '../lower/quantize-input.js';
import { argmax, type Mlp } from '../onnx/mlp.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { exportInferenceVerifier, exportSolidityVerifier } from '../setup/export-verifier.js';
import { withSnarkjs } from '../setup/snarkjs-session.js';
import { setupCircuit, verificationKeyHash } from '../setup/trusted-setup.js';
import { deployContract, deployVerifier, splitCalldata } from '../test-support/evm-verifier.js';
import {
  BASE_FIELD_PRIME,
  proofFromBytes,
  proofFromJson,
  proofToBytes,
  proofToJson,
} from './proof-codec.js';
import { type InferenceProof, ProofGenerator } from './proof-generator.js';
import { ProofVerifier } from './proof-verifier.js';

const run = promisify(execFile);
const modelA = smallMlp([8, 6, 3], 3);
const modelB = smallMlp([8, 6, 3], 11);
const inputs = sampleInputs(8, 4, 5);
const input = inputs[0] ?? [];
const open: { close(): Promise<void> }[] = [];

interface Prepared {
  dir: string;
  circuit: Circuit;
  generator: ProofGenerator;
  verifier: ProofVerifier;
}

async function prepare(
  model: Mlp,
  mode: CircuitMode,
  system: 'groth16' | 'plonk',
): Promise<Prepared> {
  return prepareOnnx(exportMlpToOnnx(model), { mode }, system);
}

/** Compiles, sets up and loads any ONNX model; its generator and verifier close after the tests. */
async function prepareOnnx(
  bytes: Uint8Array,
  options: { mode?: CircuitMode; inputBits?: number },
  system: 'groth16' | 'plonk' = 'groth16',
): Promise<Prepared> {
  const dir = await mkdtemp(join(tmpdir(), `mt-zk-${options.mode ?? 'public'}-${system}-`));
  const circuit = await new CircuitCompiler().compileModel(bytes, dir, options);
  await setupCircuit(circuit, { system });
  const generator = await ProofGenerator.load(dir);
  const verifier = await ProofVerifier.load(dir);
  open.push(generator, verifier);
  return { dir, circuit, generator, verifier };
}

function bump(value: string): string {
  return String(BigInt(value) + 1n);
}

/** A copy of `proof` with its claimed outputs dropped, so only the public signals speak. */
function bare(proof: Proof): Proof {
  const { outputs: _outputs, ...rest } = structuredClone(proof);
  return rest;
}

/** The fixed-point outputs the circuit must give, and their stated bound, computed in TypeScript. */
function reference(model: Mlp, x: readonly number[], mode: CircuitMode = 'public'): ProgramResult {
  const program = lowerGraph(decodeOnnxGraph(exportMlpToOnnx(model)), { mode });
  const encoding = { inputSize: program.inputSize, scaleBits: 8, inputBits: 16 };
  return evaluateProgram(program, quantizeInput(encoding, x), 2 ** -9);
}

/** The bytes proofToBytes would write without normalising: what a hostile peer can send. */
function proofToBytesUnchecked(proof: Proof): Uint8Array {
  const bytes = Buffer.from(proofToBytes(proof));
  const system = proof.system;
  const key = system === 'groth16' ? 'pi_a' : 'eval_a';
  const value =
    system === 'groth16' ? (proof.proof[key] as string[])[0] : (proof.proof[key] as string);
  // Public signals come first, then the elements: pi_a.x is Groth16's
  // first, eval_a PLONK's nineteenth (after nine points).
  const at = 50 + 32 * (proof.publicSignals.length + (system === 'groth16' ? 0 : 18));
  bytes.write(
    BigInt(value ?? '0')
      .toString(16)
      .padStart(64, '0'),
    at,
    32,
    'hex',
  );
  return bytes;
}

afterAll(async () => {
  await Promise.all(open.map((o) => o.close()));
});

describe.each(['groth16', 'plonk'] as const)('%s, public model', (system) => {
  let a: Prepared;
  let proof: InferenceProof;

  beforeAll(async () => {
    a = await prepare(modelA, 'public', system);
    proof = await a.generator.generateProof(input);
  });

  it('proves the fixed-point inference, which stays within the stated bound of onnxruntime', async () => {
    const expected = reference(modelA, input);
    expect(proof.outputs).toEqual(expected.outputs);
    const [ort = []] = await runOnnx(exportMlpToOnnx(modelA), [input]);
    proof.outputs.forEach((value, c) => {
      const bound = expected.errorBound[c] ?? 0;
      expect(bound).toBeLessThan(0.1);
      expect(Math.abs(value - (ort[c] ?? Number.NaN))).toBeLessThanOrEqual(bound + 1e-4);
    });
    expect(proof.predicted).toBe(argmax(ort));
    expect(proof.system).toBe(system);
  });

  it('verifies, for the input it was made on only', async () => {
    expect(await a.verifier.check(proof, { input })).toEqual({
      valid: true,
      outputs: proof.outputs,
      predicted: proof.predicted,
    });
    const other = await a.verifier.check(proof, { input: inputs[1] ?? [] });
    expect(other).toMatchObject({
      valid: false,
      code: 'wrong_input',
      reason: 'proves an inference on another input',
    });
  });

  it('survives JSON and bytes round trips', async () => {
    expect(await a.verifier.verify(proofFromJson(proofToJson(proof)), { input })).toBe(true);
    const bytes = proofToBytes(proof);
    expect(await a.verifier.verify(proofFromBytes(bytes), { input })).toBe(true);
    if (system === 'groth16') expect(bytes.length).toBe(50 + 32 * (6 + 8) + 8 * 3);
  });

  it('rejects every mutated public signal and a mutated proof', async () => {
    for (let i = 0; i < proof.publicSignals.length; i += 1) {
      const mutated = bare(proof);
      mutated.publicSignals[i] = bump(mutated.publicSignals[i] ?? '0');
      expect(await a.verifier.verify(mutated)).toBe(false);
    }
    const mutated = bare(proof);
    const key = system === 'groth16' ? 'pi_a' : 'A';
    const point = mutated.proof[key] as string[];
    mutated.proof[key] = [bump(point[0] ?? '0'), ...point.slice(1)];
    expect(await a.verifier.check(mutated)).toMatchObject({ valid: false });
    expect(await a.verifier.check({ ...proof, outputs: [9, 9, 9] })).toMatchObject({
      valid: false,
      code: 'outputs_mismatch',
      reason: 'its outputs are not the ones its public signals prove',
    });
  });

  it('refuses a non-canonical encoding that snarkjs itself accepts, and proofToBytes normalises it', async () => {
    const mutated = bare(proof);
    let field: string;
    if (system === 'groth16') {
      const point = mutated.proof.pi_a as string[];
      mutated.proof.pi_a = [String(BigInt(point[0] ?? '0') + BASE_FIELD_PRIME), ...point.slice(1)];
      field = 'proof.pi_a[0]';
    } else {
      mutated.proof.eval_a = String(BigInt(mutated.proof.eval_a as string) + FIELD_PRIME);
      field = 'proof.eval_a[0]';
    }
    const snarkjsAccepts = await withSnarkjs((snarkjs) =>
      snarkjs[system].verify(
        JSON.parse(readFileSync(join(a.dir, 'verification_key.json'), 'utf8')),
        mutated.publicSignals,
        mutated.proof,
      ),
    );
    expect(snarkjsAccepts).toBe(true);
    expect(await a.verifier.check(mutated, { input })).toMatchObject({
      valid: false,
      code: 'non_canonical',
      reason: expect.stringContaining(field),
    });
    const normalised = proofFromBytes(proofToBytes(mutated));
    expect(normalised.proof).toEqual(bare(proof).proof);
    expect(await a.verifier.verify(normalised, { input })).toBe(true);
    expect(() => proofFromBytes(proofToBytesUnchecked(mutated))).toThrow(/not canonical/);
  });

  it('refuses a proof shaped for the other system with a typed reason, never a TypeError', async () => {
    const other = bare(proof);
    other.proof =
      system === 'groth16'
        ? { protocol: 'plonk', A: other.proof.pi_a, B: other.proof.pi_c }
        : { protocol: 'groth16', pi_a: other.proof.A, pi_c: other.proof.B };
    const verdict = await a.verifier.check(other, { input });
    expect(verdict).toMatchObject({ valid: false, code: 'malformed' });
    expect(verdict.valid === false && verdict.reason).toMatch(/^Invalid proof\./);
    expect(verdict.valid === false && verdict.reason).not.toMatch(/TypeError|undefined/);
  });

  it('fails closed on garbage, never throwing', async () => {
    for (const garbage of [
      null,
      {},
      'proof',
      { ...proof, publicSignals: ['x'] },
      { ...proof, system: 'stark' },
    ]) {
      expect(await a.verifier.verify(garbage)).toBe(false);
    }
  });

  it('is accepted by the snarkjs CLI as snarkjs wrote it', async () => {
    await writeFile(join(a.dir, 'proof-only.json'), JSON.stringify(proof.proof));
    await writeFile(join(a.dir, 'public.json'), JSON.stringify(proof.publicSignals));
    const cli = join(createRequire(import.meta.url).resolve('snarkjs'), '..', 'cli.cjs');
    const { stdout } = await run(process.execPath, [
      cli,
      `${system}`,
      'verify',
      join(a.dir, 'verification_key.json'),
      join(a.dir, 'public.json'),
      join(a.dir, 'proof-only.json'),
    ]);
    expect(stdout).toContain('OK!');
  });

  it('exports a Solidity verifier that accepts the proof on an EVM and refuses a mutated signal', async () => {
    const source = await exportSolidityVerifier(a.circuit);
    expect(source).toContain(
      system === 'groth16' ? 'contract Groth16Verifier' : 'contract PlonkVerifier',
    );
    const verifyOnChain = await deployVerifier(source);
    const calldata = (signals: string[]) =>
      withSnarkjs((snarkjs) => snarkjs[system].exportSolidityCallData(proof.proof, signals));
    expect(await verifyOnChain(await calldata(proof.publicSignals))).toBe(true);
    const mutated = [...proof.publicSignals];
    mutated[0] = bump(mutated[0] ?? '0');
    expect(await verifyOnChain(await calldata(mutated))).toBe(false);
  });

  it('wraps the verifier in MtInferenceVerifier, which pins the model and takes the input hash, on an EVM', async () => {
    const source = await exportInferenceVerifier(a.circuit);
    expect(source).toContain(`MODEL_HASH = ${a.circuit.metadata.modelHash}`);
    expect(await verifyInference(source, system, proof, a.circuit.inputHash(input))).toBe(true);
    expect(await verifyInference(source, system, proof, a.circuit.inputHash(inputs[1] ?? []))).toBe(
      false,
    );
    const claimed = {
      ...proof,
      publicSignals: [bump(proof.publicSignals[0] ?? '0'), ...proof.publicSignals.slice(1)],
    };
    expect(await verifyInference(source, system, claimed, a.circuit.inputHash(input))).toBe(false);
  });
});

/** Calls MtInferenceVerifier.verifyInference with a proof and the signals it claims, its modelHash left out (the contract pins it). */
async function verifyInference(
  source: string,
  system: 'groth16' | 'plonk',
  proof: Proof,
  inputHash: string,
): Promise<boolean> {
  const call = await deployContract(source, 'MtInferenceVerifier');
  const calldata = await withSnarkjs((snarkjs) =>
    snarkjs[system].exportSolidityCallData(proof.proof, proof.publicSignals),
  );
  const { proof: words, signals } = splitCalldata(calldata, proof.publicSignals.length);
  const word = (v: string) => BigInt(v).toString(16).padStart(64, '0');
  return call('verifyInference', [...words, ...signals.slice(0, -2), word(inputHash)]);
}

describe('soundness across keys and models (groth16)', () => {
  let a: Prepared;
  let b: Prepared;
  let proof: InferenceProof;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      prepare(modelA, 'public', 'groth16'),
      prepare(modelB, 'public', 'groth16'),
    ]);
    proof = await a.generator.generateProof(input);
  });

  it("rejects a proof for one model under another model's key, in the verifier and in the pairing itself", async () => {
    expect(await b.verifier.check(proof)).toMatchObject({ valid: false });
    const keyB = JSON.parse(await readFile(join(b.dir, 'verification_key.json'), 'utf8'));
    const pairing = await withSnarkjs((snarkjs) =>
      snarkjs.groth16.verify(keyB, proof.publicSignals, proof.proof),
    );
    expect(pairing).toBe(false);
  });

  it('rejects a proof under a mutated verification key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-zk-mutated-key-'));
    await cp(a.dir, dir, { recursive: true });
    const key = JSON.parse(await readFile(join(dir, 'verification_key.json'), 'utf8'));
    // Swap two valid curve points, so the key still parses and only the pairing can tell.
    [key.IC[1], key.IC[2]] = [key.IC[2], key.IC[1]];
    const text = `${JSON.stringify(key, null, 1)}\n`;
    await writeFile(join(dir, 'verification_key.json'), text);
    const verifier = await ProofVerifier.load(dir);
    open.push(verifier);
    const verdict = await verifier.check({
      ...proof,
      verificationKeyHash: verificationKeyHash(text),
    });
    expect(verdict).toEqual({
      valid: false,
      code: 'pairing_failed',
      reason: 'the proof does not verify',
    });
  });

  it('refuses inputs of the wrong size or outside the circuit range with a typed error', async () => {
    await expect(a.generator.generateProof([1, 2])).rejects.toSatisfy(
      InvalidZkmlInputError.isInstance,
    );
    await expect(a.generator.generateProof([...input.slice(1), 1e6])).rejects.toThrow(
      /outside the circuit's input range/,
    );
  });
});

describe('private model (groth16)', () => {
  it('proves with secret weights bound to a salted commitment; other weights are rejected', async () => {
    const priv = await prepare(modelA, 'private', 'groth16');
    // The salt makes the commitment hide the weights: the same model compiled
    // twice commits differently, and only a fixed salt reproduces it.
    const compile = (salt?: bigint) =>
      mkdtemp(join(tmpdir(), 'mt-zk-salt-')).then((dir) =>
        new CircuitCompiler().compileModel(exportMlpToOnnx(modelA), dir, {
          mode: 'private',
          optimizations: [],
          ...(salt === undefined ? {} : { salt }),
        }),
      );
    const [again, fixedA, fixedB] = await Promise.all([compile(), compile(7n), compile(7n)]);
    expect(again.metadata.modelHash).not.toBe(priv.circuit.metadata.modelHash);
    expect(fixedA.metadata.modelHash).toBe(fixedB.metadata.modelHash);
    const proof = await priv.generator.generateProof(input);
    expect(proof.outputs).toEqual(reference(modelA, input, 'private').outputs);
    expect(await priv.verifier.verify(proof, { input })).toBe(true);

    // A prover who swaps in other weights of the same shape proves another commitment.
    const weightsFile = join(priv.dir, 'weights.json');
    const weights = JSON.parse(await readFile(weightsFile, 'utf8'));
    weights.tensors[0][0] = String(BigInt(weights.tensors[0][0]) + 1n);
    await writeFile(weightsFile, JSON.stringify(weights));
    const forger = await ProofGenerator.load(priv.dir);
    open.push(forger);
    const forged = await forger.generateProof(input);
    expect(await priv.verifier.check(forged)).toEqual({
      valid: false,
      code: 'wrong_model',
      reason: 'bound to another model commitment',
    });

    // The bare Solidity verifier checks only the pairing, so it accepts the
    // forgery; the wrapper pins the commitment and refuses it.
    const bare = await deployVerifier(await exportSolidityVerifier(priv.circuit));
    const calldata = await withSnarkjs((snarkjs) =>
      snarkjs.groth16.exportSolidityCallData(forged.proof, forged.publicSignals),
    );
    expect(await bare(calldata)).toBe(true);
    const wrapped = await exportInferenceVerifier(priv.circuit);
    expect(await verifyInference(wrapped, 'groth16', proof, priv.circuit.inputHash(input))).toBe(
      true,
    );
    expect(await verifyInference(wrapped, 'groth16', forged, priv.circuit.inputHash(input))).toBe(
      false,
    );
  });
});

describe('a softmax classifier (groth16)', () => {
  // Gemm 4→3 → Softmax as the first output (its argmax is `predicted`), and
  // Exp(logits − 3), which the circuit proves only while the logits are ≤ 3.
  function softmaxModel(): Uint8Array {
    const g = new GraphBuilder();
    const normal = seededNormal(21);
    const x = g.input('x', FLOAT, [1, 4]);
    const w = g.f32(
      [4, 3],
      Float32Array.from({ length: 12 }, () => normal(0.8)),
    );
    const logits = g.op('MatMul', [x, w]);
    g.output('probabilities', g.op('Softmax', [logits]), FLOAT, [1, 3]);
    g.output('decay', g.op('Exp', [g.op('Sub', [logits, g.scalar(3)])]), FLOAT, [1, 3]);
    return g.encode('softmax');
  }

  it('proves probabilities within the stated bound of onnxruntime; an Exp input above 0 gets a ProofGenerationError that says so', async () => {
    const bytes = softmaxModel();
    const { circuit, generator, verifier } = await prepareOnnx(bytes, { inputBits: 12 });
    const x = [0.5, -1, 1.5, 0.25];
    const proof = await generator.generateProof(x);
    expect(await verifier.check(proof, { input: x })).toMatchObject({ valid: true });
    const program = lowerGraph(decodeOnnxGraph(bytes), { inputBits: 12 });
    const expected = evaluateProgram(program, circuit.quantizeInput(x), 2 ** -9);
    expect(proof.outputs).toEqual(expected.outputs);
    const ort = await runOnnxModel(bytes, { x: { dims: [1, 4], data: x } });
    const reference = [...(ort.probabilities?.data ?? []), ...(ort.decay?.data ?? [])];
    proof.outputs.forEach((v, i) => {
      expect(Math.abs(v - (reference[i] ?? Number.NaN))).toBeLessThanOrEqual(
        (expected.errorBound[i] ?? 0) + 1e-4,
      );
    });
    expect(proof.predicted).toBe(argmax(reference.slice(0, 3)));

    // Inputs at the edge of the 12-bit range drive some logit above 3.
    const hot = [7.9, -7.9, 7.9, -7.9];
    const flipped = hot.map((v) => -v);
    const outside = [hot, flipped].find((candidate) => {
      try {
        evaluateProgram(program, circuit.quantizeInput(candidate), 0);
        return false;
      } catch (error) {
        // Only the Exp's domain may stop it: any other failure fails the test.
        expect((error as Error).message).toMatch(/Exp .* is proved for inputs ≤ 0/);
        return true;
      }
    });
    expect(outside).toBeDefined();
    const refused: unknown = await generator.generateProof(outside ?? []).catch((e) => e);
    expect(ProofGenerationError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(
      /takes an Exp above 0; the circuit proves Exp for inputs ≤ 0 only/,
    );
  });
});

describe('a random forest as sklearn-onnx writes it (ai.onnx.ml, groth16)', () => {
  it('proves the label and the class scores onnxruntime computes', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', FLOAT, [1, 4]);
    const [label = '', scores = ''] = g.mlOp('TreeEnsembleClassifier', [x], 2, {
      ...treeEnsemble(5, 3, 4, 'class', forestVotes(3, 5), 31),
      classlabels_int64s: [0, 1, 2],
    });
    g.classifierOutputs(label, scores, 3);
    const bytes = g.encode('forest');
    const { generator, verifier } = await prepareOnnx(bytes, { inputBits: 12 });
    for (const sample of [
      [0.5, -1, 1.5, 0.25],
      [-1.25, 0.75, -0.5, 2],
    ]) {
      const proof = await generator.generateProof(sample);
      expect(await verifier.check(proof, { input: sample })).toMatchObject({ valid: true });
      const ort = await runOnnxModel(bytes, { x: { dims: [1, 4], data: sample } });
      expect(proof.outputs[0]).toBe(ort.label?.data[0]);
      // `predicted` is the argmax of the scores, which follow the label.
      expect(proof.predicted).toBe(ort.label?.data[0]);
      proof.outputs.slice(1).forEach((p, k) => {
        expect(Math.abs(p - (ort.probabilities?.data[k] ?? Number.NaN))).toBeLessThan(2 ** -7);
      });
    }
  });
});

describe('a graph of constants only (groth16)', () => {
  it('proves its outputs with an empty input, as onnxruntime computes them with no feeds', async () => {
    // An `arange`-style graph: Range, Cast, then constant arithmetic; no runtime input.
    const g = new GraphBuilder();
    const range = g.op('Range', [g.i64([0], []), g.i64([4], []), g.i64([1], [])]);
    const scaled = g.op('Mul', [g.op('Cast', [range], { to: FLOAT }), g.scalar(0.5)]);
    const offsets = g.f32([4], Float32Array.from([0.25, -1, 2, 0.125]));
    g.output('y', g.op('Add', [scaled, offsets]), FLOAT, [4]);
    const bytes = g.encode('arange');
    const { generator, verifier } = await prepareOnnx(bytes, {});
    const proof = await generator.generateProof([]);
    expect(await verifier.check(proof, { input: [] })).toMatchObject({ valid: true });
    const ort = await runOnnxModel(bytes, {});
    expect(proof.outputs).toEqual([...(ort.y?.data ?? [])]);
    expect(proof.predicted).toBe(2);
    await expect(generator.generateProof([1])).rejects.toSatisfy(InvalidZkmlInputError.isInstance);
  });
});
