import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { writeBittensorHotkey } from '@mt/wire/bittensor';
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

  it('creates a subnet, registers and stakes from a Bittensor wallet (--wallet, --hotkey, --wallet-path)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-chain-wallet-'));
    const wallets = join(dir, 'wallets');
    const hotkey = await writeBittensorHotkey(
      { wallet: 'owner', hotkey: 'h1', path: wallets },
      new Uint8Array(32).fill(3),
    );
    // btcli writes an unencrypted coldkey when asked (--no-use-password): the same JSON as a hotkey's.
    const cold = await writeBittensorHotkey(
      { wallet: 'scratch', hotkey: 'cold', path: wallets },
      new Uint8Array(32).fill(4),
    );
    await copyFile(join(wallets, 'scratch/hotkeys/cold'), join(wallets, 'owner/coldkey'));
    const file = join(dir, 'chain.sqlite');
    const sudo = (await generateKeypair()).pair;
    const genesis = await cli([
      '--file',
      file,
      'genesis',
      '--sudo',
      sudo.address,
      '--balance',
      `${cold.address}=10000`,
      '--subnet-lock',
      '1000',
    ]);
    expect(genesis.code, genesis.stderr).toBe(0);
    const wallet = ['--wallet', 'owner', '--wallet-path', wallets];
    const created = await cli(['--file', file, 'subnet', 'create', ...wallet, '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { netuid, owner } = JSON.parse(created.stdout) as { netuid: number; owner: string };
    expect(owner).toBe(cold.address);
    const registered = await cli([
      '--file',
      file,
      'register',
      '--netuid',
      String(netuid),
      ...wallet,
      '--hotkey',
      'h1',
      '--json',
    ]);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({ netuid, hotkey: hotkey.address });
    const staked = await cli([
      '--file',
      file,
      'stake',
      'add',
      '--netuid',
      String(netuid),
      '--amount',
      '500',
      ...wallet,
      '--hotkey',
      'h1',
    ]);
    expect(staked.code, staked.stderr).toBe(0);
    const chain = LocalChain.open(file);
    const neuron = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === hotkey.address);
    await chain.close();
    expect(neuron).toMatchObject({ coldkey: cold.address, stake: 500n });
    // Nothing secret is printed: only addresses and numbers.
    for (const run of [created, registered, staked])
      expect(run.stdout).not.toMatch(/0x[0-9a-f]{64}/);
    const missing = await cli([
      '--file',
      file,
      'register',
      '--netuid',
      String(netuid),
      '--wallet',
      'nobody',
      '--wallet-path',
      wallets,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no such keyfile');
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
