// @mt/zkml alone: an ONNX MLP compiled to Circom, a Groth16 setup (the
// development ptau), a proof, and its verification against the input: by the
// Node verifier, and by @mt/zkml/browser as a reader's page runs it, from the
// circuit's two public files.
//   npm install @mt/zkml                 (run beside mlp.onnx: a 4-input MLP, Gemm and Relu)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CircuitCompiler, ProofGenerator, ProofVerifier, setupCircuit } from '@mt/zkml';
import { BrowserProofVerifier } from '@mt/zkml/browser';

const dir = join(mkdtempSync(join(tmpdir(), 'mt-zkml-smoke-')), 'mlp');
const circuit = await new CircuitCompiler({ onProgress: () => {} }).compileModel('mlp.onnx', dir, {
  mode: 'public',
  inputBits: 8,
});
await setupCircuit(circuit, { system: 'groth16' });
// Inside the input range 8 bits give: [-0.5, 0.5).
const input = [0.1, 0.3, -0.25, 0.4];
const generator = await ProofGenerator.load(dir);
const verifier = await ProofVerifier.load(dir);
try {
  const proof = await generator.generateProof(input);
  const verdict = await verifier.check(proof, { input });
  assert.ok(verdict.valid, JSON.stringify(verdict));
  const tampered = await verifier.check(proof, { input: [0.1, 0.3, -0.25, 0.2] });
  assert.equal(tampered.valid, false);
  // What a page does with no server: the same checks, the same verdict.
  const page = await BrowserProofVerifier.fromFiles({
    circuit: readFileSync(join(dir, 'circuit.json')),
    verificationKey: readFileSync(join(dir, 'verification_key.json')),
  });
  assert.deepEqual(await page.check(proof, { input }), verdict);
  console.log(
    `proved class ${proof.predicted}; another input refused (${tampered.valid ? '' : tampered.code}); the browser verifier agrees`,
  );
} finally {
  await Promise.all([generator.close(), verifier.close()]);
}
