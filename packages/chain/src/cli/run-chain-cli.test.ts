import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { describe, expect, it } from 'vitest';
import { generateKeypair } from '../keys/keypair.js';
import { loadColdkey, saveColdkey } from '../keys/keystore.js';
import { LocalChain } from '../local/local-chain.js';
import { runChainCli } from './run-chain-cli.js';

const cli = (args: string[]) => runCaptured(runChainCli, args);

describe('mt-chain', () => {
  it('creates a chain, produces blocks with epochs, and reports a metagraph', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-chain-cli-')), 'chain.sqlite');
    const sudo = (await generateKeypair()).pair;
    const owner = (await generateKeypair()).pair;
    const genesis = await cli([
      '--file',
      file,
      'genesis',
      '--sudo',
      sudo.address,
      '--balance',
      `${owner.address}=5000`,
      '--subnet-lock',
      '1000',
      '--json',
    ]);
    expect(genesis.code, genesis.stderr).toBe(0);
    expect(JSON.parse(genesis.stdout)).toMatchObject({ sudo: sudo.address });
    const chain = LocalChain.open(file);
    expect(await chain.balance(owner.address)).toBe(5000n);
    await chain.close();
    // The owner's coldkey creates the subnet, as the miner README shows.
    const coldkey = join(dirname(file), 'owner.json');
    await saveColdkey(coldkey, owner, 'owner passphrase');
    process.env.MT_COLDKEY_PASSPHRASE = 'owner passphrase';
    let created: Awaited<ReturnType<typeof cli>>;
    try {
      created = await cli([
        '--file',
        file,
        'subnet',
        'create',
        '--coldkey',
        coldkey,
        '--tempo',
        '2',
        '--json',
      ]);
    } finally {
      delete process.env.MT_COLDKEY_PASSPHRASE;
    }
    expect(created.code, created.stderr).toBe(0);
    const { netuid } = JSON.parse(created.stdout) as { netuid: number };
    expect(JSON.parse(created.stdout)).toEqual({ netuid, owner: owner.address });
    const after = LocalChain.open(file);
    expect(await after.balance(owner.address)).toBe(4000n); // its lock
    await after.close();
    const run = await cli(['--file', file, 'run', '--block-ms', '1', '--blocks', '3', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ netuid, block: 3 });
    const status = await cli(['--file', file, 'status', '--netuid', String(netuid), '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({
      block: 3,
      neurons: [{ uid: 0, stake: '0' }],
    });
    const bad = await cli(['--file', file, 'status', '--netuid', '9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('SubNetworkDoesNotExist');
    expect((await cli(['--file', file, 'genesis', '--sudo', sudo.address])).stderr).toContain(
      'already holds a chain',
    );
  });

  it('writes a coldkey it never prints, encrypted with the passphrase from the environment', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'mt-chain-key-')), 'coldkey.json');
    delete process.env.MT_COLDKEY_PASSPHRASE;
    expect((await cli(['key', 'new', '--out', out])).code).toBe(2);
    process.env.MT_COLDKEY_PASSPHRASE = 'a fine passphrase';
    try {
      const made = await cli(['key', 'new', '--out', out, '--json']);
      expect(made.code, made.stderr).toBe(0);
      const { address } = JSON.parse(made.stdout) as { address: string };
      expect(Object.keys(JSON.parse(made.stdout))).toEqual(['address', 'file']);
      expect((await loadColdkey(out, 'a fine passphrase')).address).toBe(address);
    } finally {
      delete process.env.MT_COLDKEY_PASSPHRASE;
    }
  });

  it('refuses what it cannot do with exit 2, and does nothing', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-chain-cli-')), 'chain.sqlite');
    for (const args of [
      ['--file', file, 'run', '--blocks', 'x'],
      ['--file', file, 'run', '--blocks', '0'],
      ['--file', file, 'genesis', '--sudo', 'x', '--balance', 'nope'],
      ['--file', file, 'status'],
      ['--file', file, 'status', '--netuid', '1', '--blocks', '3'],
    ]) {
      const result = await cli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^mt-chain: /);
    }
    expect((await cli(['--version'])).code).toBe(0);
  });
});
