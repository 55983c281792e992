import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCaptured } from '@mt/cli';
import { describe, expect, it } from 'vitest';
import { runYumaCli } from './run-yuma-cli.js';

const vectorsPath = fileURLToPath(
  new URL('../../test/fixtures/yuma-vectors.json', import.meta.url),
);

const run = (args: string[]) => runCaptured(runYumaCli, args);

describe('mt-yuma replay', () => {
  it('prints one JSON object per epoch with the vectors’ encodings', async () => {
    const { code, stdout, stderr } = await run([
      'replay',
      vectorsPath,
      '--case',
      'epoch_active_stake',
      '--json',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.step)).toEqual([0, 4, 7, 10]);
    const third = lines[2] ?? {};
    expect(third.emission_rao).toEqual([274_999_999, 224_999_999, 250_000_000, 250_000_000]);
    expect((third.dividends_u16 as number[]).slice(0, 2)).toEqual([36_044, 29_490]);
    expect(third.bonds_u16).toContainEqual([1, 2, 53_619]);
    for (const key of [
      'consensus_u16',
      'incentive_u16',
      'validator_trust_u16',
      'dividends',
      'bonds_fraction',
    ]) {
      expect(third).toHaveProperty(key);
    }
  });

  it('accepts a file holding one scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-yuma-'));
    const file = join(dir, 'one.json');
    const scenario = {
      params: {
        rao_emission: 1_000,
        max_allowed_validators: 2,
        tempo: 1,
        activity_cutoff_blocks: 100,
      },
      initial_state: {
        n: 3,
        stake: [5, 5, 0],
        block_at_registration: [0, 0, 0],
        last_update: [0, 0, 0],
        validator_permit: [true, true, false],
        current_block: 1,
      },
      steps: [
        { op: 'set_weights', uid: 0, dests: [2], values_u16: [100] },
        { op: 'set_weights', uid: 1, dests: [2], values_u16: [7] },
        { op: 'advance_to_block', block: 2 },
        { op: 'epoch' },
      ],
    };
    await writeFile(file, JSON.stringify(scenario));
    const { code, stdout } = await run(['replay', file, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { incentive_u16: number[]; emission_rao: number[] };
    expect(report.incentive_u16).toEqual([0, 0, 65_535]);
    expect(report.emission_rao.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(998);
  });

  it('prints a readable table per epoch by default', async () => {
    const { code, stdout } = await run(['replay', vectorsPath, '--case', 'epoch_active_stake']);
    expect(code).toBe(0);
    expect(stdout).toContain('epoch at step 0, block');
    expect(stdout).toMatch(/uid +stake u16 +consensus u16 +incentive u16/);
  });

  it.each([
    [['replay', vectorsPath], 2, /pick one with --case/],
    [['replay', vectorsPath, '--case', 'nope'], 2, /no case named 'nope'/],
    [['replay', vectorsPath, '--case', 'col_clip'], 2, /math primitive/],
    [['replay', vectorsPath, '--frobnicate'], 2, /unknown option '--frobnicate'/],
    [['frobnicate'], 2, /unknown command/],
    [['replay', '/no/such/file.json'], 1, /ENOENT/],
  ])('says why it refuses %j, exit %i', async (args, exit, message) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(exit);
    expect(stderr).toMatch(message);
  });

  it('names the bad field of a malformed scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-yuma-'));
    const file = join(dir, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({
        params: { rao_emission: 10 },
        initial_state: {
          n: 2,
          stake: [1, -4],
          block_at_registration: [0, 0],
          last_update: [0, 0],
          validator_permit: [false, false],
          current_block: 0,
        },
        steps: [{ op: 'epoch' }],
      }),
    );
    const { code, stderr } = await run(['replay', file]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/initial_state\.stake\.1.*\[MT_SCHEMA_INVALID\]/);
  });

  it('runs as the built bin', async () => {
    const bin = fileURLToPath(new URL('../../bin/mt-yuma.js', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [
      bin,
      'replay',
      vectorsPath,
      '--case',
      'epoch_bonds_classic',
      '--json',
    ]);
    const last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { bonds_u16: number[][] };
    expect(last.bonds_u16).toContainEqual([2, 7, 49_150]);
  });
});
