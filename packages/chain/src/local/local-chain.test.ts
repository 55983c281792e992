import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChainCallFailedError, ChainRejectedError, ChainSignatureError } from '../errors.js';
import { generateKeypair, keypairFromSeed } from '../keys/keypair.js';
import { LocalChain } from './local-chain.js';
import { signLocalCall } from './signed-call.js';

const TAO = 1_000_000_000n;

async function world(file = ':memory:') {
  const sudo = (await generateKeypair()).pair;
  const owner = (await generateKeypair()).pair;
  const ownerHot = (await generateKeypair('ed25519')).pair;
  const chain = LocalChain.create(
    file,
    // The subnet's lock takes 10 TAO, leaving the owner 100.
    {
      sudo: sudo.address,
      balances: [[owner.address, 110n * TAO]],
      subnetLockCost: 10n * TAO,
    },
    { allowPrivateEndpoints: true },
  );
  const netuid = await chain.createSubnet(owner, ownerHot.address);
  await chain.setHyperparameters(owner, netuid, {
    tempo: 4,
    weightsRateLimit: 0,
    maxRegistrationsPerBlock: 50,
    targetRegistrationsPerInterval: 50,
  });
  return { chain, sudo, owner, ownerHot, netuid };
}

describe('LocalChain under attack', () => {
  it('refuses a call whose signature is not its signer’s, and one signed by another key in its name', async () => {
    const { chain, owner, netuid } = await world();
    const mallory = (await generateKeypair()).pair;
    const honest = chain.sign(owner, {
      name: 'setHyperparameters',
      args: { netuid, params: { tempo: 1 } },
    });
    const tampered = {
      ...honest,
      call: { name: 'setHyperparameters', args: { netuid, params: { tempo: 2 } } },
    };
    await expect(chain.submit(tampered)).rejects.toSatisfy(ChainSignatureError.isInstance);
    const impersonation = {
      ...signLocalCall(mallory, chain.genesisId, 0, honest.call),
      signer: owner.address,
    };
    await expect(chain.submit(impersonation)).rejects.toThrow(/not .*'s over this call/);
    expect((await chain.subnet(netuid)).tempo).toBe(4);
  });

  it('refuses a replayed call and a call signed for another chain', async () => {
    const { chain, owner, netuid } = await world();
    const signed = chain.sign(owner, {
      name: 'setHyperparameters',
      args: { netuid, params: { tempo: 7 } },
    });
    await chain.submit(signed);
    await chain.setHyperparameters(owner, netuid, { tempo: 5 });
    await expect(chain.submit(signed)).rejects.toThrow(/used already \(a replay\)/);
    expect((await chain.subnet(netuid)).tempo).toBe(5);
    const other = await world();
    await expect(other.chain.submit(signed)).rejects.toThrow(/signed for chain/);
  });

  it('refuses a stranger setting weights, moving stake or changing a URL for a hotkey it does not hold', async () => {
    const { chain, owner, netuid } = await world();
    const minerHot = (await generateKeypair('ed25519')).pair;
    await chain.register(owner, netuid, minerHot.address);
    await chain.publishEndpoint(minerHot, netuid, 'http://127.0.0.1:8091');
    const mallory = (await generateKeypair()).pair;
    // Mallory's own key: it is not registered, so it can change nothing of the miner's.
    await expect(chain.publishEndpoint(mallory, netuid, 'http://127.0.0.1:6666')).rejects.toThrow(
      /HotKeyNotRegisteredInNetwork/,
    );
    await expect(chain.setWeights(mallory, netuid, { uids: [1], values: [1] })).rejects.toSatisfy(
      ChainCallFailedError.isInstance,
    );
    // A miner's URL can be changed only by a call its own hotkey signed.
    const forged = {
      ...signLocalCall(mallory, chain.genesisId, 0, {
        name: 'publishEndpoint',
        args: { netuid, url: 'http://127.0.0.1:6666' },
      }),
      signer: minerHot.address,
    };
    await expect(chain.submit(forged)).rejects.toSatisfy(ChainSignatureError.isInstance);
    expect((await chain.metagraph(netuid)).neurons[1]?.endpoint).toBe('http://127.0.0.1:8091');
  });

  it('mints no stake: stake comes out of free balance, 2^2000 is refused, balances only from sudo', async () => {
    const { chain, owner, netuid, sudo } = await world();
    const hot = (await generateKeypair('ed25519')).pair;
    await chain.register(owner, netuid, hot.address);
    await expect(chain.addStake(owner, netuid, hot.address, 2n ** 2000n)).rejects.toSatisfy(
      ChainRejectedError.isInstance,
    );
    // Signed by hand, as a peer would: the schema refuses it before the signature is even checked.
    const valid = chain.sign(owner, {
      name: 'addStake',
      args: { netuid, hotkey: hot.address, rao: '1' },
    });
    const minted = {
      ...valid,
      call: {
        name: 'addStake',
        args: { netuid, hotkey: hot.address, rao: (2n ** 2000n).toString() },
      },
    };
    await expect(chain.submit(minted)).rejects.toThrow(/wrong shape.*rao/);
    await expect(chain.addStake(owner, netuid, hot.address, 101n * TAO)).rejects.toThrow(
      /NotEnoughBalanceToStake/,
    );
    await expect(chain.setBalance(owner, owner.address, 10n ** 18n)).rejects.toThrow(/RequireSudo/);
    await chain.addStake(owner, netuid, hot.address, 40n * TAO);
    expect(await chain.balance(owner.address)).toBe(60n * TAO);
    expect((await chain.metagraph(netuid)).neurons[1]?.stake).toBe(40n * TAO);
    await chain.setBalance(sudo, owner.address, 5n);
    expect(await chain.balance(owner.address)).toBe(5n);
  });

  it('refuses javascript:, file: and other non-origin URLs, before signing and when signed by hand', async () => {
    const { chain, owner, netuid } = await world();
    const hot = (await generateKeypair('ed25519')).pair;
    await chain.register(owner, netuid, hot.address);
    await expect(chain.publishEndpoint(hot, netuid, 'javascript:alert(1)')).rejects.toSatisfy(
      ChainRejectedError.isInstance,
    );
    const signed = chain.sign(hot, {
      name: 'publishEndpoint',
      args: { netuid, url: 'javascript:alert(1)//:80' },
    });
    await expect(chain.submit(signed)).rejects.toThrow(/InvalidIpAddress/);
    expect((await chain.metagraph(netuid)).neurons[1]?.endpoint).toBe('');
  });

  it('bounds a submitted call before reading it', async () => {
    const { chain } = await world();
    await expect(chain.submit('x'.repeat(70_000))).rejects.toThrow(/bytes; at most/);
    await expect(chain.submit(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)).rejects.toSatisfy(
      ChainSignatureError.isInstance,
    );
    await expect(chain.submit({ chain: 'nope' })).rejects.toThrow(/wrong shape/);
  });

  it('charges a lock for a subnet and spaces creations out: a key with no balance makes none', async () => {
    const sudo = (await generateKeypair()).pair;
    const owner = (await generateKeypair()).pair;
    const broke = (await generateKeypair()).pair;
    const chain = LocalChain.create(':memory:', {
      sudo: sudo.address,
      balances: [
        [owner.address, 5_000n * TAO],
        [broke.address, 0n],
      ],
    });
    const hotkey = async () => (await generateKeypair('ed25519')).pair.address;
    // The attack: free subnets, a hundred of them, diluting everyone's emission.
    await expect(chain.createSubnet(broke, await hotkey())).rejects.toThrow(
      /NotEnoughBalanceToStake.*locks 1000000000000 rao/,
    );
    await chain.createSubnet(owner, await hotkey());
    expect(await chain.balance(owner.address)).toBe(4_000n * TAO);
    await expect(chain.createSubnet(owner, await hotkey())).rejects.toThrow(
      /NetworkTxRateLimitExceeded/,
    );
    chain.advanceBlocks(7_200);
    // Twice the last lock, less what a day of the 14-day decay took off.
    await chain.createSubnet(owner, await hotkey());
    const paid = 4_000n * TAO - (await chain.balance(owner.address));
    expect(paid).toBeGreaterThan(1_900n * TAO);
    expect(paid).toBeLessThan(2_000n * TAO);
    expect(await chain.subnets()).toHaveLength(2);
    await chain.close();
  });

  it('returns each coldkey its own stake when a neuron is pruned', async () => {
    const { chain, owner, sudo, netuid } = await world();
    const friend = (await generateKeypair()).pair;
    await chain.setBalance(sudo, friend.address, 50n * TAO);
    await chain.setHyperparameters(owner, netuid, {
      maxAllowedUids: 2,
      maxAllowedValidators: 2,
      immunityPeriod: 0,
    });
    const hot = (await generateKeypair('ed25519')).pair;
    await chain.register(owner, netuid, hot.address);
    await chain.addStake(owner, netuid, hot.address, 30n * TAO);
    await chain.addStake(friend, netuid, hot.address, 20n * TAO);
    expect(await chain.balance(owner.address)).toBe(70n * TAO);
    expect(await chain.balance(friend.address)).toBe(30n * TAO);
    chain.advanceBlocks(1);
    // The subnet is full: the newcomer takes the staked neuron's UID.
    await chain.register(owner, netuid, (await generateKeypair('ed25519')).pair.address);
    expect((await chain.metagraph(netuid)).neurons.map((n) => n.hotkey)).not.toContain(hot.address);
    // Before: all 50 TAO went to the hotkey's owner, the friend's 20 with them.
    expect(await chain.balance(owner.address)).toBe(100n * TAO);
    expect(await chain.balance(friend.address)).toBe(50n * TAO);
  });

  it('refuses an amount past u64 in a call signed by hand', async () => {
    const { chain, sudo, owner } = await world();
    const valid = chain.sign(sudo, {
      name: 'setBalance',
      args: { address: owner.address, rao: '1' },
    });
    const huge = {
      ...valid,
      call: { name: 'setBalance', args: { address: owner.address, rao: '99999999999999999999' } },
    };
    await expect(chain.submit(huge)).rejects.toThrow(/wrong shape.*u64/);
    expect(await chain.balance(owner.address)).toBe(100n * TAO);
  });

  it('replaces the lowest-emission UID out of immunity when full, and its bonds start afresh', async () => {
    const { chain, owner, netuid } = await world();
    await chain.setHyperparameters(owner, netuid, {
      maxAllowedUids: 3,
      maxAllowedValidators: 3,
      immunityPeriod: 0,
    });
    const a = (await generateKeypair('ed25519')).pair;
    const b = (await generateKeypair('ed25519')).pair;
    const c = (await generateKeypair('ed25519')).pair;
    await chain.register(owner, netuid, a.address);
    await chain.register(owner, netuid, b.address);
    chain.advanceBlocks(1);
    const uid = await chain.register(owner, netuid, c.address);
    expect(uid).toBeGreaterThan(0);
    const graph = await chain.metagraph(netuid);
    expect(graph.neurons).toHaveLength(3);
    expect(graph.neurons.find((n) => n.uid === uid)).toMatchObject({
      hotkey: c.address,
      stake: 0n,
      registeredAtBlock: 1,
    });
  });

  it('lets several processes write one file at once without SQLITE_BUSY reaching them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mt-chain-'));
    const file = join(dir, 'chain.sqlite');
    const seed = randomBytes(32);
    const sudo = await keypairFromSeed(seed, 'ed25519');
    LocalChain.create(file, { sudo: sudo.address }).close();
    const writer = `
      import { LocalChain, keypairFromSeed } from '${new URL('../../dist/index.js', import.meta.url).href}';
      const chain = LocalChain.open(process.argv[1]);
      const sudo = await keypairFromSeed(Buffer.from(process.argv[2], 'hex'), 'ed25519');
      const me = process.argv[3];
      for (let i = 0; i < 40; i += 1) await chain.setBalance(sudo, me, BigInt(i + 1));
      await chain.close();`;
    const seedHex = seed.toString('hex');
    const accounts = await Promise.all(
      [0, 1, 2].map(async () => (await generateKeypair()).pair.address),
    );
    const runs = accounts.map(
      (address) =>
        new Promise<{ code: number | null; err: string }>((resolve) => {
          const child = spawn(
            process.execPath,
            ['--input-type=module', '-e', writer, file, seedHex, address],
            {
              stdio: ['ignore', 'ignore', 'pipe'],
            },
          );
          let err = '';
          child.stderr.on('data', (d: Buffer) => {
            err += d.toString();
          });
          child.on('exit', (code) => resolve({ code, err }));
        }),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r, r.err).toMatchObject({ code: 0 });
    const chain = LocalChain.open(file);
    for (const address of accounts) expect(await chain.balance(address)).toBe(40n);
    await chain.close();
  }, 60_000);
});

describe('LocalChain calls that arrive together', () => {
  it('run in one write transaction, and a refused call is rolled back and rejected alone', async () => {
    const { chain, sudo, owner, ownerHot, netuid } = await world();
    const targets = await Promise.all(
      Array.from({ length: 6 }, async () => (await generateKeypair('ed25519')).pair.address),
    );
    const outcomes = await Promise.allSettled([
      ...targets.slice(0, 3).map((address, i) => chain.setBalance(sudo, address, BigInt(i + 1))),
      // Refused in the same batch: the owner stakes more than it has.
      chain.addStake(owner, netuid, ownerHot.address, 10n ** 18n),
      ...targets.slice(3).map((address, i) => chain.setBalance(sudo, address, BigInt(i + 4))),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await Promise.all(targets.map((a) => chain.balance(a)))).toEqual([
      1n,
      2n,
      3n,
      4n,
      5n,
      6n,
    ]);
    // Every accepted call spent one nonce in order; the refused one spent none.
    expect(
      chain.sign(sudo, { name: 'setBalance', args: { address: targets[0] ?? '', rao: '1' } }).nonce,
    ).toBe(6);
    // The owner made two calls (subnet, hyperparameters); its refused stake was rolled back, nonce and all.
    expect(
      chain.sign(owner, { name: 'createSubnet', args: { hotkey: ownerHot.address } }).nonce,
    ).toBe(2);
    await chain.close();
  });
});

describe("LocalChain's bond reset", () => {
  it("takes a miner's column out of every bonds row when the subnet allows it, and only then", async () => {
    // Three twin chains, the same steps: A allows the reset and resets, B resets where it is
    // not allowed, C allows it and never resets.
    const dir = mkdtempSync(join(tmpdir(), 'mt-bond-reset-'));
    const twins = await Promise.all(
      (
        [
          ['a', true, true],
          ['b', false, true],
          ['c', true, false],
        ] as const
      ).map(async ([name, bondsResetEnabled, resets]) => {
        const file = join(dir, `${name}.db`);
        const w = await world(file);
        await w.chain.setHyperparameters(w.owner, w.netuid, { bondsResetEnabled });
        const keys = await Promise.all(
          ['v1', 'v2', 'm1', 'm2'].map(
            async (k) => [k, (await generateKeypair('ed25519')).pair] as const,
          ),
        );
        const key = Object.fromEntries(keys) as Record<string, (typeof keys)[0][1]>;
        const uid: Record<string, number> = {};
        for (const [k, pair] of keys)
          uid[k] = await w.chain.register(w.owner, w.netuid, pair.address);
        await w.chain.addStake(w.owner, w.netuid, key.v1?.address as string, 30n * TAO);
        await w.chain.addStake(w.owner, w.netuid, key.v2?.address as string, 20n * TAO);
        w.chain.advanceBlocks(5); // an epoch grants the permits
        const v1 = key.v1 as (typeof keys)[0][1];
        const v2 = key.v2 as (typeof keys)[0][1];
        await w.chain.setWeights(v1, w.netuid, { uids: [uid.m1 as number], values: [65535] });
        await w.chain.setWeights(v2, w.netuid, {
          uids: [uid.m1 as number, uid.m2 as number],
          values: [65535, 65535],
        });
        w.chain.advanceBlocks(20);
        return { ...w, file, resets, m1: key.m1 as (typeof keys)[0][1], uid };
      }),
    );
    const [a, b, c] = twins as [(typeof twins)[0], (typeof twins)[0], (typeof twins)[0]];
    const m1 = a.uid.m1 as number;
    /** Every stored bonds row's entries in column `uid` (read from the chain file itself). */
    const column = (twin: (typeof twins)[0], uid: number) => {
      const db = new Database(twin.file, { readonly: true });
      try {
        const rows = db
          .prepare('SELECT bonds FROM neurons WHERE netuid = ? ORDER BY uid')
          .all(twin.netuid) as {
          bonds: string;
        }[];
        return rows.flatMap((r) =>
          (JSON.parse(r.bonds) as [number, number][]).filter(([j]) => j === uid),
        );
      } finally {
        db.close();
      }
    };
    const results = async (twin: (typeof twins)[0]) =>
      (await twin.chain.metagraph(twin.netuid)).neurons.map((n) => [
        n.uid,
        n.dividends,
        n.incentive,
      ]);
    expect(column(a, m1).length).toBeGreaterThan(0);
    expect(await results(a)).toEqual(await results(c));
    // A stranger has no column to reset.
    const stranger = (await generateKeypair('ed25519')).pair;
    await expect(a.chain.resetBonds(stranger, a.netuid)).rejects.toThrow(
      /HotKeyNotRegisteredInSubNet/,
    );
    for (const twin of twins) if (twin.resets) await twin.chain.resetBonds(twin.m1, twin.netuid);
    expect(column(a, m1)).toEqual([]);
    expect(column(b, m1)).toEqual(column(c, m1));
    expect(column(b, m1).length).toBeGreaterThan(0);
    for (const twin of twins) twin.chain.advanceBlocks(5);
    // The reset moved the next epoch; a reset the subnet does not allow moved nothing.
    expect(await results(b)).toEqual(await results(c));
    expect(await results(a)).not.toEqual(await results(c));
    for (const twin of twins) await twin.chain.close();
  });
});
