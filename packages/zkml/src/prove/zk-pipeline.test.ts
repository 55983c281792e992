import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Proof } from '@mt/protocol';
import { exportMlpToOnnx, runOnnx, sampleInputs, smallMlp } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Circuit } from '../circuit/circuit.js';
import type { CircuitMode } from '../circuit/circuit-plan.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { InvalidZkmlInputError } from '../errors.js';
import { argmax, type Mlp } from '../onnx/mlp.js';
import {
  evaluateFixedPoint,
  quantizationErrorBound,
  quantizeMlp,
} from '../quantize/fixed-point-mlp.js';
import { exportSolidityVerifier } from '../setup/export-verifier.js';
import { withSnarkjs } from '../setup/snarkjs-session.js';
import { setupCircuit, verificationKeyHash } from '../setup/trusted-setup.js';
import { deployVerifier } from '../test-support/evm-verifier.js';
import { proofFromBytes, proofFromJson, proofToBytes, proofToJson } from './proof-codec.js';
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
  const dir = await mkdtemp(join(tmpdir(), `mt-zk-${mode}-${system}-`));
  const circuit = await new CircuitCompiler().compileModel(exportMlpToOnnx(model), dir, { mode });
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
    const { model: fixed } = quantizeMlp(modelA, 8);
    expect(proof.outputs).toEqual(evaluateFixedPoint(fixed, input).outputs);
    const [ort = []] = await runOnnx(exportMlpToOnnx(modelA), [input]);
    const bound = quantizationErrorBound(modelA, fixed, input);
    proof.outputs.forEach((value, c) => {
      expect(Math.abs(value - (ort[c] ?? Number.NaN))).toBeLessThanOrEqual((bound[c] ?? 0) + 1e-4);
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
});

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
  it('proves with secret weights bound to the same commitment as the public circuit; other weights are rejected', async () => {
    const priv = await prepare(modelA, 'private', 'groth16');
    const pub = await new CircuitCompiler().compileModel(
      exportMlpToOnnx(modelA),
      await mkdtemp(join(tmpdir(), 'mt-zk-pub-')),
    );
    expect(priv.circuit.metadata.modelHash).toBe(pub.metadata.modelHash);
    const proof = await priv.generator.generateProof(input);
    expect(proof.outputs).toEqual(evaluateFixedPoint(quantizeMlp(modelA, 8).model, input).outputs);
    expect(await priv.verifier.verify(proof, { input })).toBe(true);

    // A prover who swaps in other weights of the same shape proves another commitment.
    const weightsFile = join(priv.dir, 'weights.json');
    const weights = JSON.parse(await readFile(weightsFile, 'utf8'));
    weights.layers[0].weights[0][0] = String(BigInt(weights.layers[0].weights[0][0]) + 1n);
    await writeFile(weightsFile, JSON.stringify(weights));
    const forger = await ProofGenerator.load(priv.dir);
    open.push(forger);
    const forged = await forger.generateProof(input);
    expect(await priv.verifier.check(forged)).toEqual({
      valid: false,
      code: 'wrong_model',
      reason: 'bound to another model commitment',
    });
  });
});
