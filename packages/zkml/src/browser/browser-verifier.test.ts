import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Proof } from '@mt/protocol';
import { exportMlpToOnnx, sampleInputs, smallMlp } from '@mt/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { ArtifactHashMismatchError, InvalidZkmlInputError } from '../errors.js';
import { ProofGenerator } from '../prove/proof-generator.js';
import { ProofVerifier } from '../prove/proof-verifier.js';
import { setupCircuit } from '../setup/trusted-setup.js';
import { BrowserProofVerifier } from './browser-verifier.js';
import { fetchPinned, sha256Hex } from './pinned-file.js';

// The browser entry's verifier, run here in Node: the verdicts and codes must
// be ProofVerifier's, case by case. (apps/demo runs the same in Chromium.)
describe.each(['groth16', 'plonk'] as const)('BrowserProofVerifier (%s)', (system) => {
  const [input = [], other = []] = sampleInputs(8, 2, 9);
  let dir: string;
  let node: ProofVerifier;
  let page: BrowserProofVerifier;
  let proof: Proof;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `mt-zk-browser-${system}-`));
    const circuit = await new CircuitCompiler().compileModel(
      exportMlpToOnnx(smallMlp([8, 6, 3], 5)),
      dir,
    );
    await setupCircuit(circuit, { system });
    const generator = await ProofGenerator.load(dir);
    proof = await generator.generateProof(input);
    await generator.close();
    node = await ProofVerifier.load(dir);
    page = await BrowserProofVerifier.fromFiles({
      circuit: await readFile(join(dir, 'circuit.json')),
      verificationKey: await readFile(join(dir, 'verification_key.json'), 'utf8'),
    });
  });
  afterAll(() => node?.close());

  it('gives the Node verifier’s verdict and code for a valid proof and each tampering', async () => {
    const signals = [...proof.publicSignals];
    const modelAt = node.circuit.metadata.outputSize + 1;
    signals[modelAt] = String(BigInt(signals[modelAt] ?? '0') + 1n);
    const firstKey = Object.keys(proof.proof).find((k) => k !== 'protocol' && k !== 'curve') ?? '';
    const cases: [string, unknown, readonly number[]][] = [
      ['valid', proof, input],
      ['wrong_input', proof, other],
      ['wrong_key', { ...proof, verificationKeyHash: 'ab'.repeat(32) }, input],
      ['wrong_model', { ...proof, outputs: undefined, publicSignals: signals }, input],
      ['outputs_mismatch', { ...proof, outputs: proof.outputs?.map((v) => v + 1) }, input],
      ['wrong_system', { ...proof, system: system === 'groth16' ? 'plonk' : 'groth16' }, input],
      ['malformed', { ...proof, publicSignals: ['1'] }, input],
      // Another proof's element in the first place: well formed, canonical, and false.
      [
        'pairing_failed',
        {
          ...proof,
          proof: { ...proof.proof, [firstKey]: proof.proof[firstKey === 'pi_a' ? 'pi_c' : 'B'] },
        },
        input,
      ],
    ];
    for (const [expected, candidate, x] of cases) {
      const fromNode = await node.check(candidate, { input: x });
      const fromPage = await page.check(candidate, { input: x });
      expect(fromNode.valid ? 'valid' : fromNode.code, expected).toBe(expected);
      expect(fromPage).toEqual(fromNode);
    }
  });
});

describe('fetchPinned', () => {
  const bytes = new TextEncoder().encode('{"protocol":"groth16"}');
  const serve =
    (body: Uint8Array, status = 200): typeof fetch =>
    async () =>
      new Response(body, { status });

  it('returns the bytes when they have the published SHA-256', async () => {
    const sha256 = sha256Hex(bytes);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    await expect(fetchPinned('/zk/key', sha256, { fetch: serve(bytes) })).resolves.toEqual(bytes);
  });

  it('refuses other bytes, an error answer, an oversized body and a malformed pin', async () => {
    const sha256 = sha256Hex(bytes);
    const changed = bytes.map((b, i) => (i === 3 ? b ^ 1 : b));
    await expect(fetchPinned('/zk/key', sha256, { fetch: serve(changed) })).rejects.toSatisfy(
      ArtifactHashMismatchError.isInstance,
    );
    await expect(fetchPinned('/zk/key', sha256, { fetch: serve(bytes, 404) })).rejects.toSatisfy(
      InvalidZkmlInputError.isInstance,
    );
    await expect(
      fetchPinned('/zk/key', sha256, { fetch: serve(new Uint8Array(1000)), maxBytes: 999 }),
    ).rejects.toThrow(/larger than the 999 bytes/);
    await expect(fetchPinned('/zk/key', 'SHA', { fetch: serve(bytes) })).rejects.toSatisfy(
      InvalidZkmlInputError.isInstance,
    );
  });
});
