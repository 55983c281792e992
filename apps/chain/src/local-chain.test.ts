import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { weightCommitHash } from './chain-client.js';
import { ChainRejectedError } from './errors.js';
import { LocalChain } from './local-chain.js';

const EMISSION = 1_000_000_000n;

async function network(file = ':memory:') {
  const chain = LocalChain.open(file);
  chain.createSubnet({
    netuid: 1,
    name: 'text',
    tempo: 5,
    emissionPerEpoch: EMISSION,
    revealDelayBlocks: 1,
  });
  const hotkeys = ['validator-a', 'validator-b', 'honest', 'lazy', 'cheater'];
  for (const [i, hotkey] of hotkeys.entries())
    await chain.register(1, hotkey, i >= 2 ? `http://127.0.0.1:${9000 + i}` : '');
  await chain.addStake(1, 'validator-a', 2_000_000n);
  await chain.addStake(1, 'validator-b', 1_000_000n);
  return chain;
}

async function commitAndReveal(chain: LocalChain, hotkey: string, weights: number[], salt: string) {
  const reveal = { uids: [2, 3, 4], weights, salt };
  await chain.commitWeights(1, hotkey, weightCommitHash(1, hotkey, reveal));
  chain.advanceBlocks(1);
  await chain.revealWeights(1, hotkey, reveal);
}

describe('LocalChain', () => {
  it('registers neurons once each, with stake and URLs', async () => {
    const chain = await network();
    expect(await chain.register(1, 'honest', 'http://127.0.0.1:9999')).toBe(2);
    const neurons = await chain.neurons(1);
    expect(neurons.map((n) => [n.uid, n.hotkey])).toEqual([
      [0, 'validator-a'],
      [1, 'validator-b'],
      [2, 'honest'],
      [3, 'lazy'],
      [4, 'cheater'],
    ]);
    expect(neurons[0]?.stake).toBe(2_000_000n);
    expect(neurons[2]?.url).toBe('http://127.0.0.1:9999');
    await expect(chain.register(7, 'x')).rejects.toSatisfy(ChainRejectedError.isInstance);
    await expect(chain.addStake(1, 'nobody', 1n)).rejects.toThrow(/not registered/);
  });

  it('enforces commit-reveal: no direct weights, no early or mismatched reveal', async () => {
    const chain = await network();
    await expect(chain.setWeights(1, 'validator-a', [2], [1])).rejects.toThrow(/commit-reveal/);
    const reveal = { uids: [2, 3], weights: [65535, 100], salt: 's1' };
    await chain.commitWeights(1, 'validator-a', weightCommitHash(1, 'validator-a', reveal));
    await expect(chain.revealWeights(1, 'validator-a', reveal)).rejects.toThrow(/too early/);
    chain.advanceBlocks(1);
    await expect(
      chain.revealWeights(1, 'validator-a', { ...reveal, weights: [100, 65535] }),
    ).rejects.toThrow(/does not match/);
    await chain.revealWeights(1, 'validator-a', reveal);
    await expect(chain.revealWeights(1, 'validator-a', reveal)).rejects.toThrow(
      /no pending commit/,
    );
    await expect(chain.commitWeights(1, 'validator-a', 'not-a-hash')).rejects.toThrow(
      /64 lower-case hex/,
    );
  });

  it('runs Yuma epochs on its tempo: the best-weighted miner earns most, an unweighted one nothing', async () => {
    const chain = await network();
    for (let round = 0; round < 4; round += 1) {
      await commitAndReveal(chain, 'validator-a', [65535, 20000, 0], `a${round}`);
      await commitAndReveal(chain, 'validator-b', [60000, 25000, 0], `b${round}`);
      chain.advanceBlocks(3);
    }
    const epochs = await chain.epochs(1);
    expect(epochs.length).toBeGreaterThanOrEqual(3);
    const last = epochs.at(-1);
    expect(last?.incentive[2]).toBeGreaterThan(last?.incentive[3] ?? 1);
    expect(last?.incentive[4]).toBe(0);
    expect(last?.dividends[0]).toBeGreaterThan(0);
    for (const epoch of epochs) {
      const paid = epoch.emission.reduce((a, b) => a + b, 0n);
      expect(paid).toBeLessThanOrEqual(EMISSION);
      expect(EMISSION - paid).toBeLessThan(10n);
    }
    const earnings = await chain.earnings(1);
    expect(earnings.get('honest') ?? 0n).toBeGreaterThan(earnings.get('lazy') ?? 0n);
    expect(earnings.get('cheater') ?? 0n).toBe(0n);
  });

  it('keeps everything across a restart', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-chain-')), 'chain.sqlite');
    const chain = await network(file);
    await commitAndReveal(chain, 'validator-a', [65535, 1, 0], 'x');
    chain.advanceBlocks(10);
    const before = {
      block: await chain.currentBlock(),
      epochs: await chain.epochs(1),
      earnings: await chain.earnings(1),
    };
    chain.close();
    const reopened = LocalChain.open(file);
    expect(await reopened.currentBlock()).toBe(before.block);
    expect(await reopened.epochs(1)).toEqual(before.epochs);
    expect(await reopened.earnings(1)).toEqual(before.earnings);
    expect((await reopened.neurons(1)).length).toBe(5);
    reopened.close();
  });
});
