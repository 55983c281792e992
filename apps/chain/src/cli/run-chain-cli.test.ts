import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChainCli } from './run-chain-cli.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runChainCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}

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
    ]);
    expect(init.code).toBe(0);
    expect(init.stdout.trim().split('\n')).toHaveLength(2);
    expect((await cli(['--file', file, 'run', '--block-ms', '1', '--blocks', '3'])).code).toBe(0);
    const status = await cli(['--file', file, 'status', '--netuid', '1']);
    expect(JSON.parse(status.stdout)).toMatchObject({ block: 3, neurons: [] });
    const bad = await cli(['--file', file, 'status', '--netuid', '9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('MT_CHAIN_REJECTED');
    expect((await cli(['--file', file, 'init', '--subnet', 'x'])).stderr).toContain(
      'is not NETUID:NAME',
    );
  });
});
