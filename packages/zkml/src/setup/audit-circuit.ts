import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJson } from '@mt/protocol';
import { Circuit, circuitFiles, privateWeightsSchema } from '../circuit/circuit.js';
import { generateCircom, privateModelHash, publicModelHash } from '../circuit/generate-circom.js';
import { packedPoseidon } from '../circuit/packed-poseidon.js';
import { CircuitCompiler, type ProgressListener } from '../compile/circuit-compiler.js';
import { lowerGraph } from '../lower/lower-graph.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { checkPtauFile, developmentPtau, type PtauFile } from './powers-of-tau.js';
import { setupLogger, withSnarkjs } from './snarkjs-session.js';
import { readSetup, verificationKeyHash } from './trusted-setup.js';

/** One check of an audit. */
export interface AuditCheck {
  check: string;
  ok: boolean;
  detail: string;
}

/** What {@link auditCircuit} found: `ok` only when every check passed. */
export interface AuditReport {
  ok: boolean;
  checks: AuditCheck[];
}

/** Options of {@link auditCircuit}. */
export interface AuditOptions {
  /** The phase-1 file the keys were made from; default: this machine's development ptau of the recorded power. */
  ptau?: PtauFile;
  onProgress?: ProgressListener;
}

/**
 * Checks a circuit folder against the ONNX model it claims to prove, as a
 * verifier who trusts neither: the model is lowered again with the recorded
 * options and must regenerate the very source (so the digest and the model
 * hash cover this model, its scale and bounds), the source is compiled
 * afresh and must give the same constraints, and the proving key must derive
 * from those constraints and the ptau (Groth16: snarkjs's `verifyFromR1cs`;
 * PLONK: a deterministic re-setup), with the verification key its export.
 */
export async function auditCircuit(
  dir: string,
  onnx: string | Uint8Array,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const onProgress = options.onProgress ?? (() => {});
  const checks: AuditCheck[] = [];
  const record = (check: string, ok: boolean, detail: string) => {
    checks.push({ check, ok, detail });
    return ok;
  };
  const circuit = await Circuit.load(dir);
  const m = circuit.metadata;
  const bytes = typeof onnx === 'string' ? await readFile(onnx) : onnx;
  const sha = createHash('sha256').update(bytes).digest('hex');
  record(
    'onnx',
    sha === m.onnxSha256,
    `sha256 ${sha}${sha === m.onnxSha256 ? '' : `, circuit.json says ${m.onnxSha256}`}`,
  );

  const program = lowerGraph(decodeOnnxGraph(bytes), {
    mode: m.mode,
    scaleBits: m.scaleBits,
    inputBits: m.inputBits,
  });
  const generated = generateCircom(program);
  // Compared by hash: a large model's source is more than one string can hold.
  const sourceSha256 = createHash('sha256')
    .update(await readFile(circuit.file(circuitFiles.source)))
    .digest('hex');
  const same = generated.sourceSha256 === sourceSha256;
  record(
    'source',
    same && generated.digest === m.digest,
    same
      ? `regenerates identically (digest ${generated.digest})`
      : 'circuit.circom is not what this model lowers to',
  );
  if (m.mode === 'public') {
    const expected = String(publicModelHash(generated.digest));
    record('modelHash', expected === m.modelHash, `public commitment ${expected}`);
  } else {
    const weights = await readFile(circuit.file(circuitFiles.weights), 'utf8').then(
      (text) => parseJson(text, privateWeightsSchema, { typeName: 'weights.json' }),
      () => undefined,
    );
    if (!weights)
      record(
        'modelHash',
        false,
        'weights.json (with the salt) is needed to recompute a private commitment',
      );
    else {
      const hashes = program.privateTensors.map((t) => packedPoseidon(t.values, t.bits));
      const expected = String(privateModelHash(generated.digest, BigInt(weights.salt), hashes));
      record('modelHash', expected === m.modelHash, `private commitment ${expected}`);
    }
  }

  const setup = await readSetup(circuit);
  const scratch = await mkdtemp(join(tmpdir(), 'mt-zkml-audit-'));
  try {
    onProgress('Compiling the source afresh…');
    const fresh = await new CircuitCompiler({ onProgress }).compileFile(
      circuit.file(circuitFiles.source),
      join(scratch, setup.optimization),
      {
        optimization: setup.optimization,
        // Only the R1CS is compared; a split witness's model is past circom2's witness generator.
        ...(m.splitWitness ? { witnessSource: circuit.file(circuitFiles.witnessSource) } : {}),
      },
    );
    const [ours, theirs] = await Promise.all([
      readFile(fresh.r1cs),
      readFile(circuit.build(setup.optimization).r1cs),
    ]);
    const sameR1cs = ours.equals(theirs);
    record(
      'r1cs',
      sameR1cs,
      sameR1cs
        ? "the compiled constraints are the source's"
        : `${setup.optimization}/circuit.r1cs differs from a fresh compile`,
    );

    if (options.ptau) await checkPtauFile(options.ptau);
    const ptau = options.ptau?.path ?? (await developmentPtau(setup.ptauPower, onProgress));
    const logger = setupLogger(onProgress);
    const zkey = circuit.file(setup.zkey);
    let keyOk: boolean;
    if (setup.system === 'groth16') {
      onProgress('Checking the proving key against the constraints and the ptau…');
      keyOk = await withSnarkjs((s) => s.zKey.verifyFromR1cs(fresh.r1cs, ptau, zkey, logger));
    } else {
      onProgress('Re-running the PLONK setup…');
      const again = join(scratch, 'plonk.zkey');
      await withSnarkjs((s) => s.plonk.setup(fresh.r1cs, ptau, again, logger));
      const [a, b] = await Promise.all([
        withSnarkjs((s) => s.zKey.exportVerificationKey(again)),
        withSnarkjs((s) => s.zKey.exportVerificationKey(zkey)),
      ]);
      keyOk = JSON.stringify(a) === JSON.stringify(b);
    }
    record(
      'provingKey',
      keyOk,
      keyOk
        ? `${setup.zkey} derives from the constraints and ${ptau}`
        : `${setup.zkey} does not derive from these constraints and this ptau`,
    );
    const vk = await withSnarkjs((s) => s.zKey.exportVerificationKey(zkey));
    const text = `${JSON.stringify(vk, null, 1)}\n`;
    const onDisk = await readFile(circuit.file(circuitFiles.verificationKey), 'utf8');
    const vkOk = text === onDisk && verificationKeyHash(onDisk) === setup.verificationKeyHash;
    record(
      'verificationKey',
      vkOk,
      vkOk
        ? `${circuitFiles.verificationKey} is the proving key's (sha256 ${setup.verificationKeyHash})`
        : `${circuitFiles.verificationKey} is not exported from ${setup.zkey}`,
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return { ok: checks.every((c) => c.ok), checks };
}
