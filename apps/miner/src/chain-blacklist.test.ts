import { LocalChain } from '@mt/app-chain';
import { Hotkey } from '@mt/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { validatorsOnChain } from './chain-blacklist.js';

const chains: LocalChain[] = [];
afterEach(() => {
  for (const chain of chains.splice(0)) chain.close();
});

describe('validatorsOnChain', () => {
  it('serves staked keys of the subnets only, and follows the chain when read again', async () => {
    const chain = LocalChain.open(':memory:');
    chains.push(chain);
    chain.createSubnet({ netuid: 1, name: 'a', tempo: 4, emissionPerEpoch: 1n });
    const staked = Hotkey.generate();
    const unstaked = Hotkey.generate();
    const later = Hotkey.generate();
    await chain.register(1, staked.address);
    await chain.addStake(1, staked.address, 5n);
    await chain.register(1, unstaked.address);
    const validators = await validatorsOnChain(chain, [1], { refreshMs: 60_000 });
    try {
      expect(validators.blacklist(staked.address)).toBeUndefined();
      expect(validators.blacklist(unstaked.address)).toMatch(/not a staked validator/);
      expect(validators.blacklist(Hotkey.generate().address)).toMatch(/not a staked validator/);
      await chain.register(1, later.address);
      await chain.addStake(1, later.address, 1n);
      expect(validators.blacklist(later.address)).toMatch(/not a staked validator/);
      await validators.refresh();
      expect(validators.blacklist(later.address)).toBeUndefined();
    } finally {
      validators.close();
    }
  });

  it('keeps the last set when a read fails, and reports the failure', async () => {
    const chain = LocalChain.open(':memory:');
    chains.push(chain);
    chain.createSubnet({ netuid: 1, name: 'a', tempo: 4, emissionPerEpoch: 1n });
    const staked = Hotkey.generate();
    await chain.register(1, staked.address);
    await chain.addStake(1, staked.address, 5n);
    const failures: unknown[] = [];
    const validators = await validatorsOnChain(chain, [1], {
      refreshMs: 20,
      onError: (error) => failures.push(error),
    });
    try {
      chain.close();
      chains.pop();
      while (failures.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(validators.blacklist(staked.address)).toBeUndefined();
    } finally {
      validators.close();
    }
  });
});
