import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCaptured } from '@mt/cli';
import { exportMlpToOnnx, sampleInputs, smallMlp } from '@mt/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { runZkmlCli } from './run-zkml-cli.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/mt-zkml.js', import.meta.url));

const cli = (args: string[]) => runCaptured(runZkmlCli, args);

/** Runs the built bin in its own process: it must exit by itself, with snarkjs's threads released. */
async function binary(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [bin, ...args], { timeout: 60_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; killed?: boolean };
    if (failed.killed) throw new Error('mt-zkml did not exit');
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('mt-zkml', () => {
  let work: string;
  let dir: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mt-zkml-cli-'));
    dir = join(work, 'circuit');
    await writeFile(join(work, 'model.onnx'), exportMlpToOnnx(smallMlp([8, 5, 4], 21)));
    await writeFile(join(work, 'input.json'), JSON.stringify({ input: sampleInputs(8, 1, 2)[0] }));
  });

  it('refuses a model over --max-constraints with its figures, and makes no circuit', async () => {
    const refused = await cli([
      'compile',
      join(work, 'model.onnx'),
      '--out',
      join(work, 'too-large'),
      '--max-constraints',
      '50',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /about [\d,]+ constraints and [\d,]+ linear terms .* powers of tau 2\^\d+: over the budget of 50 constraints/,
    );
    expect(refused.stderr).toContain('MT_ZKML_CIRCUIT_TOO_LARGE');
  });

  it('compiles, sets up, proves, verifies and exports, with progress on stderr', async () => {
    const compiled = await cli([
      'compile',
      join(work, 'model.onnx'),
      '--out',
      dir,
      '--scale',
      '8',
      '--json',
    ]);
    expect(compiled.code).toBe(0);
    expect(JSON.parse(compiled.stdout)).toMatchObject({
      mode: 'public',
      inputSize: 8,
      outputSize: 4,
    });
    expect(compiled.stderr).toMatch(/Compiled circuit \(O2\): \d+ non-linear constraints/);

    const again = await cli(['compile', join(work, 'model.onnx'), '--out', dir]);
    expect(again.stderr).toContain('up to date');

    const setup = await cli(['setup', dir, '--json']);
    expect(setup.code).toBe(0);
    expect(setup.stderr).toContain('INSECURE DEVELOPMENT SETUP');
    expect(JSON.parse(setup.stdout)).toMatchObject({ system: 'groth16', development: true });

    const proved = await cli([
      'prove',
      dir,
      '--input',
      join(work, 'input.json'),
      '--out',
      join(work, 'proof.json'),
    ]);
    expect(proved.code).toBe(0);
    const proof = JSON.parse(await readFile(join(work, 'proof.json'), 'utf8'));
    expect(proof).toMatchObject({ system: 'groth16', proof: { protocol: 'groth16' } });
    expect(proof.outputs).toHaveLength(4);

    const verified = await binary([
      'verify',
      dir,
      join(work, 'proof.json'),
      '--input',
      join(work, 'input.json'),
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true });

    const exported = await cli(['export-verifier', dir, '--out', join(work, 'Verifier.sol')]);
    expect(exported.code).toBe(0);
    const solidity = await readFile(join(work, 'Verifier.sol'), 'utf8');
    expect(solidity).toContain('contract Groth16Verifier');
    expect(solidity).toContain('contract MtInferenceVerifier');
  });

  it('audits a circuit folder against its model, and catches a swapped model or an edited circuit', async () => {
    const audited = await cli(['audit', dir, join(work, 'model.onnx'), '--json']);
    expect(audited.code).toBe(0);
    const report = JSON.parse(audited.stdout);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c: { check: string }) => c.check)).toEqual([
      'onnx',
      'source',
      'modelHash',
      'r1cs',
      'provingKey',
      'verificationKey',
    ]);

    await writeFile(join(work, 'other.onnx'), exportMlpToOnnx(smallMlp([8, 5, 4], 22)));
    const swapped = await cli(['audit', dir, join(work, 'other.onnx'), '--json']);
    expect(swapped.code).toBe(1);
    const failed = JSON.parse(swapped.stdout).checks.filter((c: { ok: boolean }) => !c.ok);
    expect(failed.map((c: { check: string }) => c.check)).toEqual(['onnx', 'source', 'modelHash']);

    // An edited circuit (one weight changed) with its build and keys left alone.
    const edited = join(work, 'edited');
    await cp(dir, edited, { recursive: true });
    const source = await readFile(join(edited, 'circuit.circom'), 'utf8');
    await writeFile(
      join(edited, 'circuit.circom'),
      source.replace(/acc \+= (-?\d+) \*/, (_, w) => `acc += ${BigInt(w) + 1n} *`),
    );
    const caught = await cli(['audit', edited, join(work, 'model.onnx'), '--json']);
    expect(caught.code).toBe(1);
    const broken = JSON.parse(caught.stdout).checks.filter((c: { ok: boolean }) => !c.ok);
    expect(broken.map((c: { check: string }) => c.check)).toEqual(['source', 'r1cs', 'provingKey']);
  });

  it('prints readable results by default', async () => {
    const shown = await cli([
      'verify',
      dir,
      join(work, 'proof.json'),
      '--input',
      join(work, 'input.json'),
    ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^valid +true$/m);
  });

  it('exits 1 for a proof it refuses and for failures, 2 for bad usage', async () => {
    const proof = JSON.parse(await readFile(join(work, 'proof.json'), 'utf8'));
    proof.publicSignals[0] = String(BigInt(proof.publicSignals[0]) + 1n);
    delete proof.outputs;
    await writeFile(join(work, 'tampered.json'), JSON.stringify(proof));
    const tampered = await binary([
      'verify',
      dir,
      join(work, 'tampered.json'),
      '--input',
      join(work, 'input.json'),
      '--json',
    ]);
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.stdout)).toMatchObject({ valid: false });

    const input = ['--input', join(work, 'input.json')];
    expect((await cli(['verify', dir, join(work, 'missing.json'), ...input])).code).toBe(1);
    const nowhere = await cli([
      'verify',
      join(work, 'nowhere'),
      join(work, 'proof.json'),
      ...input,
    ]);
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('compile the model first');
    // Without the input a valid proof says nothing about what it was of.
    const noInput = await cli(['verify', dir, join(work, 'proof.json')]);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr).toContain('give --input INPUT.json, or --model-only');
    const modelOnly = await cli(['verify', dir, join(work, 'proof.json'), '--model-only']);
    expect(modelOnly.code).toBe(0);
    expect(
      (await cli(['compile', join(work, 'input.json'), '--out', join(work, 'x')])).stderr,
    ).toContain('MT_ZKML_MALFORMED_ONNX');
    const usage = await cli(['setup', dir, '--system', 'stark']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Allowed choices are groth16, plonk');
    expect((await cli(['prove', dir, '--input', 'x.json'])).stderr).toContain(
      "required option '--out <file>' not specified",
    );
  });
});
