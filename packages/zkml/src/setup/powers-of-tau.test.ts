import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportMlpToOnnx, smallMlp } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { PtauHashMismatchError, TrustedSetupError } from '../errors.js';
import { blake2bOfFile, checkPtauFile, developmentPtau, ptauPower } from './powers-of-tau.js';
import { setupCircuit } from './trusted-setup.js';

describe('powers of tau', () => {
  it('derives smaller development powers from the cached one and reads their power', async () => {
    const path = await developmentPtau(8);
    expect(path).toMatch(/dev_pot_08\.ptau$/);
    expect(await ptauPower(path)).toBe(8);
    expect(await developmentPtau(8)).toBe(path);
  });

  it('accepts a user file only with its pinned blake2b-512; a file posing as a Hermez ceremony is refused', async () => {
    const path = await developmentPtau(9);
    const hash = await blake2bOfFile(path);
    expect(await checkPtauFile({ path, blake2b: hash })).toBe(9);
    await expect(checkPtauFile({ path, blake2b: '00'.repeat(64) })).rejects.toSatisfy(
      PtauHashMismatchError.isInstance,
    );
    // No hash given: power 9 is checked against Hermez's powersOfTau28_hez_final_09, which this is not.
    await expect(checkPtauFile({ path })).rejects.toThrow(/blake2b-512 .* was pinned/);
  });

  it('refuses a file that is not a ptau, and a ceremony too small for the circuit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-ptau-'));
    await writeFile(join(dir, 'fake.ptau'), 'not a ptau at all, just text');
    await expect(checkPtauFile({ path: join(dir, 'fake.ptau') })).rejects.toSatisfy(
      TrustedSetupError.isInstance,
    );

    const circuit = await new CircuitCompiler().compileModel(
      exportMlpToOnnx(smallMlp([8, 6, 3], 3)),
      join(dir, 'c'),
    );
    const small = await developmentPtau(6);
    const setup = setupCircuit(circuit, {
      ptau: { path: small, blake2b: await blake2bOfFile(small) },
    });
    await expect(setup).rejects.toThrow(/needs 2\^10, but .* holds 2\^6/);
  });
});
