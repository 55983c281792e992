import { Hotkey } from '@mt/wire';
import { describe, expect, it } from 'vitest';
import { localTestNetwork } from '../test-support/local-network.js';
import { validatorsOnChain } from './chain-blacklist.js';

describe('validatorsOnChain', () => {
  it('serves staked keys of the subnets only, and follows the chain when read again', async () => {
    const net = await localTestNetwork();
    const staked = Hotkey.generate();
    const unstaked = Hotkey.generate();
    const later = Hotkey.generate();
    await net.join(staked, { stake: 5n });
    await net.join(unstaked);
    const validators = await validatorsOnChain(net.chain, [net.netuid], { refreshMs: 60_000 });
    try {
      expect(validators.blacklist(staked.address)).toBeUndefined();
      expect(validators.blacklist(unstaked.address)).toMatch(/not a staked validator/);
      expect(validators.blacklist(Hotkey.generate().address)).toMatch(/not a staked validator/);
      await net.join(later, { stake: 1n });
      expect(validators.blacklist(later.address)).toMatch(/not a staked validator/);
      await validators.refresh();
      expect(validators.blacklist(later.address)).toBeUndefined();
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
