import { Hotkey } from '@mt/wire';
import { describe, expect, it } from 'vitest';
import { localTestNetwork } from '../test-support/local-network.js';
import { validatorsOnChain } from './chain-blacklist.js';

const TAO = 1_000_000_000n;

describe('validatorsOnChain', () => {
  it('serves validators only: a permit and the minimum stake, ordered by stake', async () => {
    const net = await localTestNetwork();
    const validator = Hotkey.generate();
    const earner = Hotkey.generate();
    const unstaked = Hotkey.generate();
    const later = Hotkey.generate();
    await net.join(validator, { stake: 2_000n * TAO });
    // A miner that earned a little: on a small subnet the epoch gives it a permit too.
    await net.join(earner, { stake: TAO });
    await net.join(unstaked);
    net.chain.advanceBlocks(5);
    const { neurons } = await net.chain.metagraph(net.netuid);
    expect(neurons.filter((n) => n.validatorPermit)).toHaveLength(2);
    const validators = await validatorsOnChain(net.chain, [net.netuid], { refreshMs: 60_000 });
    try {
      expect(validators.blacklist(validator.address)).toBeUndefined();
      // Its stake in TAO, dividends of the epoch included.
      expect(validators.priority(validator.address)).toBeGreaterThanOrEqual(2_000);
      for (const key of [earner, unstaked, Hotkey.generate()]) {
        expect(validators.blacklist(key.address)).toMatch(/not a validator/);
        expect(validators.priority(key.address)).toBe(0);
      }
      await net.join(later, { stake: 1_500n * TAO });
      await validators.refresh();
      // Staked, but no permit until the next epoch.
      expect(validators.blacklist(later.address)).toMatch(/not a validator/);
      net.chain.advanceBlocks(5);
      await validators.refresh();
      expect(validators.blacklist(later.address)).toBeUndefined();
    } finally {
      validators.close();
      await net.chain.close();
    }
  });

  it('takes a lower minimum and no permit when told', async () => {
    const net = await localTestNetwork();
    const small = Hotkey.generate();
    await net.join(small, { stake: 5n });
    const validators = await validatorsOnChain(net.chain, [net.netuid], {
      minStake: 5n,
      requirePermit: false,
      refreshMs: 60_000,
    });
    try {
      expect(validators.blacklist(small.address)).toBeUndefined();
    } finally {
      validators.close();
      await net.chain.close();
    }
  });

  it('keeps the last set when a read fails, and reports the failure', async () => {
    const net = await localTestNetwork();
    const staked = Hotkey.generate();
    await net.join(staked, { stake: 5n });
    const failures: unknown[] = [];
    const validators = await validatorsOnChain(net.chain, [net.netuid], {
      minStake: 5n,
      requirePermit: false,
      refreshMs: 20,
      onError: (error) => failures.push(error),
    });
    try {
      await net.chain.close();
      while (failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(validators.blacklist(staked.address)).toBeUndefined();
    } finally {
      validators.close();
    }
  });
});
