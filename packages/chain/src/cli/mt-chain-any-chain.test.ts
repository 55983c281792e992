import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { Hotkey, saveHotkey } from '@mt/wire';
import { writeBittensorHotkey } from '@mt/wire/bittensor';
import { describe, expect, it } from 'vitest';
import { generateKeypair, keypairFromSeed } from '../keys/keypair.js';
import { saveColdkey } from '../keys/keystore.js';
import type { ChainTestbed } from '../test-support/describe-chain-client.js';
import { localTestbed } from '../test-support/local-testbed.js';
import { subtensorTestbed } from '../test-support/subtensor-testbed.js';
import { runChainCli } from './run-chain-cli.js';

const TAO = 1_000_000_000n;

/**
 * An operator's session with `mt-chain`, the same commands on any chain: a
 * subnet made and listed, a validator from a Bittensor wallet and a miner
 * from our key file registered, stake moved both ways, an endpoint served,
 * weights set, committed, listed as pending and revealed, a transfer and
 * balances. Only the testbed's faucet, block author and sudo settings are
 * programmatic; every step an operator takes is the CLI.
 */
async function operatorSession(
  bed: ChainTestbed,
  where: string[],
  keepsRevealedCommit = false,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mt-chain-any-'));
  const cli = async (args: string[]) => {
    const run = await runCaptured(runChainCli, [...where, ...args, '--json']);
    expect(run.code, `mt-chain ${args.join(' ')}: ${run.stderr}`).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown> & unknown[];
  };
  // The owner: a polkadot-js keystore coldkey.
  const owner = (await generateKeypair('sr25519')).pair;
  const ownerFile = join(dir, 'owner.json');
  await saveColdkey(ownerFile, owner, 'owner passphrase');
  await bed.fund(owner.address, 3_000n * TAO);
  // The validator: a Bittensor wallet (an unencrypted coldkey, as btcli --no-use-password writes).
  const wallets = join(dir, 'wallets');
  const validatorHot = await writeBittensorHotkey(
    { wallet: 'v', hotkey: 'default', path: wallets },
    crypto.getRandomValues(new Uint8Array(32)),
  );
  const validatorCold = await writeBittensorHotkey(
    { wallet: 'scratch', hotkey: 'cold', path: wallets },
    crypto.getRandomValues(new Uint8Array(32)),
  );
  await copyFile(join(wallets, 'scratch/hotkeys/cold'), join(wallets, 'v/coldkey'));
  await copyFile(join(wallets, 'scratch/hotkeys/coldpub.txt'), join(wallets, 'v/coldkeypub.txt'));
  await bed.fund(validatorCold.address, 2_000n * TAO);
  const wallet = ['--wallet', 'v', '--wallet-path', wallets];
  // The miner: one of our hotkey files.
  const minerFile = join(dir, 'miner.key');
  const minerKey = Hotkey.generate();
  await saveHotkey(minerKey, minerFile);
  // The same seed as a chain key: its SS58 address is the one the chain knows.
  const minerHot = await keypairFromSeed(minerKey.exportSeed(), 'ed25519');
  await bed.fund(minerHot.address, TAO);

  process.env.MT_COLDKEY_PASSPHRASE = 'owner passphrase';
  try {
    const { netuid } = (await cli(['subnets', 'create', '--coldkey', ownerFile])) as unknown as {
      netuid: number;
    };
    await bed.prepareSubnet?.(netuid);
    await bed.chain.setHyperparameters(bed.sudo, netuid, {
      tempo: 9,
      weightsRateLimit: 0,
      targetRegistrationsPerInterval: 100,
      maxRegistrationsPerBlock: 100,
      commitRevealEnabled: false,
    });
    expect(await cli(['subnets', 'list'])).toContainEqual(
      expect.objectContaining({ netuid, owner: owner.address }),
    );
    expect(await cli(['subnets', 'show', '--netuid', String(netuid)])).toMatchObject({
      netuid,
      owner: owner.address,
      tempo: 9,
      commitRevealEnabled: false,
    });

    const validator = await cli(['register', '--netuid', String(netuid), ...wallet]);
    expect(validator).toMatchObject({ hotkey: validatorHot.address });
    const miner = await cli([
      'register',
      '--netuid',
      String(netuid),
      '--coldkey',
      ownerFile,
      '--hotkey-ss58',
      minerHot.address,
    ]);
    await cli([
      'stake',
      'add',
      '--netuid',
      String(netuid),
      '--amount',
      String(1_000n * TAO),
      ...wallet,
    ]);
    await cli(['stake', 'remove', '--netuid', String(netuid), '--amount', String(TAO), ...wallet]);
    await cli([
      'serve',
      '--netuid',
      String(netuid),
      '--url',
      'http://10.1.2.3:8091',
      '--hotkey-file',
      minerFile,
    ]);
    const graph = (await cli(['metagraph', '--netuid', String(netuid)])) as unknown as {
      neurons: { uid: number; hotkey: string; coldkey: string; stake: string; endpoint: string }[];
    };
    const ofUid = (uid: unknown) => graph.neurons.find((n) => n.uid === uid);
    expect(ofUid(validator.uid)).toMatchObject({ coldkey: validatorCold.address });
    expect(BigInt(ofUid(validator.uid)?.stake ?? 0)).toBeGreaterThan(0n);
    expect(ofUid(miner.uid)).toMatchObject({
      hotkey: minerHot.address,
      coldkey: owner.address,
      endpoint: 'http://10.1.2.3:8091',
    });

    // An epoch grants the validator its permit; then weights, in the clear.
    const head = await bed.chain.head();
    await bed.newBlocks((await bed.chain.nextEpochBlock(netuid, head + 1)) - head);
    const uids = [String(miner.uid), '0'].join(',');
    await cli([
      'weights',
      'set',
      '--netuid',
      String(netuid),
      '--uids',
      uids,
      '--values',
      '65535,100',
      ...wallet,
    ]);
    const row = await cli([
      'weights',
      'show',
      '--netuid',
      String(netuid),
      '--uid',
      String(validator.uid),
    ]);
    expect(row).toContainEqual({ uid: miner.uid, weight: 65535 });

    // Committed and revealed, with the salt the commit printed.
    await bed.chain.setHyperparameters(bed.sudo, netuid, {
      commitRevealEnabled: true,
      commitRevealPeriod: bed.revealPeriod,
    });
    const weights = ['--netuid', String(netuid), '--uids', uids, '--values', '65535,2000'];
    const commit = await cli(['weights', 'commit', ...weights, ...wallet]);
    const pending = (await cli([
      'weights',
      'pending',
      '--netuid',
      String(netuid),
      ...wallet,
    ])) as unknown as { hash: string; revealFrom: number }[];
    expect(pending.map((p) => p.hash)).toEqual([commit.hash]);
    const now = await bed.chain.head();
    const revealAt = (pending[0]?.revealFrom ?? 0) - bed.callLandsAfterHead;
    if (revealAt > now) await bed.newBlocks(revealAt - now);
    await cli(['weights', 'reveal', ...weights, '--salt', String(commit.salt), ...wallet]);
    // Spec 202 keeps a revealed commit stored until the next commit replaces it; later runtimes drop it.
    const after = await cli(['weights', 'pending', '--netuid', String(netuid), ...wallet]);
    expect(after).toEqual(keepsRevealedCommit ? pending : []);
    expect(
      await cli(['weights', 'show', '--netuid', String(netuid), '--uid', String(validator.uid)]),
    ).toContainEqual({ uid: 0, weight: 2000 });

    // A transfer, and balances by address and by the wallet's public coldkey file.
    const receiver = (await generateKeypair('ed25519')).pair.address;
    await cli(['transfer', '--coldkey', ownerFile, '--to', receiver, '--amount', String(5n * TAO)]);
    expect(await cli(['balance', '--address', receiver])).toEqual({
      address: receiver,
      free: String(5n * TAO),
    });
    const own = await cli(['balance', ...wallet]);
    expect(own.address).toBe(validatorCold.address);
    expect(BigInt(String(own.free))).toBeGreaterThan(0n);
  } finally {
    delete process.env.MT_COLDKEY_PASSPHRASE;
  }
}

describe('mt-chain on any chain', () => {
  it('runs an operator session on a LocalChain file', async () => {
    const bed = await localTestbed();
    try {
      await operatorSession(bed, ['--chain', bed.file, '--allow-private-endpoints']);
    } finally {
      await bed.close();
    }
  }, 120_000);

  it("runs the same session on subtensor's spec 202 runtime, by ws:// URL", async () => {
    const bed = await subtensorTestbed('spec202');
    try {
      await operatorSession(bed, ['--chain', bed.url, '--allow-private-endpoints'], true);
    } finally {
      await bed.close();
    }
  }, 300_000);

  it('refuses a node URL where only a file will do, and a chain that is not there', async () => {
    for (const args of [
      ['--chain', 'ws://127.0.0.1:9', 'genesis', '--sudo', (await generateKeypair()).pair.address],
      ['--chain', 'ws://127.0.0.1:9', 'run', '--blocks', '1'],
    ]) {
      const run = await runCaptured(runChainCli, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain('give --chain FILE.sqlite');
    }
  });
});
