import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { describe, expect, it } from 'vitest';
import { runChainCli } from './run-chain-cli.js';

const cli = (args: string[]) => runCaptured(runChainCli, args);

describe('mt-chain', () => {
  it('creates subnets, produces blocks and reports status', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-chain-cli-')), 'chain.sqlite');
    const init = await cli([
      '--file',
      file,
      'init',
      '--subnet',
      '1:text',
      '--subnet',
      '2:proofs',
      '--tempo',
      '2',
      '--json',
    ]);
    expect(init.code).toBe(0);
    expect(JSON.parse(init.stdout)).toHaveLength(2);
    expect((await cli(['--file', file, 'run', '--block-ms', '1', '--blocks', '3'])).code).toBe(0);
    const status = await cli(['--file', file, 'status', '--netuid', '1', '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ block: 3, neurons: [] });
    expect((await cli(['--file', file, 'status', '--netuid', '1'])).stdout).toBe(
      'block 3\n(none)\n',
    );
    const bad = await cli(['--file', file, 'status', '--netuid', '9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('MT_CHAIN_REJECTED');
    const malformed = await cli(['--file', file, 'init', '--subnet', 'x']);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('is not NETUID:NAME');
  });

  it('refuses what it cannot do with exit 2, and does nothing', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-chain-cli-')), 'chain.sqlite');
    for (const args of [
      ['--file', file, 'run', '--blocks', 'x'], // it used to exit 0 having done nothing
      ['--file', file, 'run', '--blocks', '0'],
      ['--file', file, 'init', '--subnet', '1:a', '--tempo', '-1'],
      ['--file', file, 'status'],
      ['--file', file, 'status', '--netuid', '1', '--blocks', '3'], // another command's option
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^mt-chain: /);
    }
    expect((await cli(['--version'])).code).toBe(0);
  });
});
