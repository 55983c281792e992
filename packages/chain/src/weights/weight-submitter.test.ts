import { describe, expect, it } from 'vitest';
import { generateKeypair } from '../keys/keypair.js';
import { LocalChain } from '../local/local-chain.js';
import { toU16Weights } from './u16-weights.js';
import { WeightSubmitter } from './weight-submitter.js';

// The commit-reveal bookkeeping against LocalChain's own windows and refusals.
async function subnet(commitRevealEnabled: boolean) {
  const sudo = (await generateKeypair()).pair;
  const owner = (await generateKeypair()).pair;
  const chain = LocalChain.create(':memory:', {
    sudo: sudo.address,
    balances: [[owner.address, 10n ** 15n]],
  });
  const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
  await chain.setHyperparameters(owner, netuid, {
    tempo: 4,
    weightsRateLimit: 0,
    commitRevealEnabled,
    maxRegistrationsPerBlock: 10,
    targetRegistrationsPerInterval: 10,
  });
  const hotkey = (await generateKeypair()).pair;
  await chain.register(owner, netuid, hotkey.address);
  await chain.addStake(owner, netuid, hotkey.address, 10n ** 12n);
  const miner = await chain.register(owner, netuid, (await generateKeypair()).pair.address);
  return { chain, netuid, owner, hotkey, miner };
}

describe('WeightSubmitter', () => {
  it('waits for a permit, then sets in the clear where the subnet has no commit-reveal', async () => {
    const { chain, netuid, hotkey, miner } = await subnet(false);
    const submitter = new WeightSubmitter({ chain, netuid, hotkey });
    const weights = toU16Weights(new Map([[miner, 1]]));
    // No permit before the first epoch: the chain asks to wait, and nothing is lost.
    const early = await submitter.submit(weights);
    expect(early.events).toEqual([{ kind: 'wait', chainError: 'NeuronNoValidatorPermit' }]);
    expect(early.applied).toBeUndefined();
    chain.advanceBlocks(5);
    const set = await submitter.submit(weights);
    expect(set.events.map((e) => e.kind)).toEqual(['set']);
    expect(set.applied?.values).toEqual([65535]);
    await chain.close();
  });

  it('commits, keeps the commit until its window, then reveals it and commits the next', async () => {
    const { chain, netuid, hotkey, miner } = await subnet(true);
    const submitter = new WeightSubmitter({ chain, netuid, hotkey });
    const weights = toU16Weights(new Map([[miner, 1]]));
    chain.advanceBlocks(5);
    const committed = await submitter.submit(weights);
    expect(committed.events.map((e) => e.kind)).toEqual(['commit']);
    expect(committed.applied).toBeUndefined();
    expect(submitter.pending).toBe(true);
    // Before its window the commit stays: no new commit, no reveal.
    expect((await submitter.submit(weights)).events).toEqual([]);
    chain.advanceBlocks(5);
    const revealed = await submitter.submit(weights);
    expect(revealed.events.map((e) => e.kind)).toEqual(['reveal', 'commit']);
    expect(revealed.applied?.uids).toEqual([miner]);
    const me = (await chain.metagraph(netuid)).neurons.find((n) => n.hotkey === hotkey.address);
    expect((await chain.weightsOf(netuid, me?.uid ?? -1)).get(miner)).toBe(65535);
    await chain.close();
  });

  it('sets in the clear once the owner switches commit-reveal off under a pending commit', async () => {
    const { chain, netuid, owner, hotkey, miner } = await subnet(true);
    const submitter = new WeightSubmitter({ chain, netuid, hotkey });
    chain.advanceBlocks(5);
    const weights = toU16Weights(new Map([[miner, 1]]));
    await submitter.submit(weights);
    await chain.setHyperparameters(owner, netuid, { commitRevealEnabled: false });
    chain.advanceBlocks(5);
    const after = await submitter.submit(weights);
    expect(after.events.map((e) => e.kind)).toEqual(['set']);
    expect(submitter.pending).toBe(false);
    await chain.close();
  });
});
