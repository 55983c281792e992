import {
  type ChainKeypair,
  generateKeypair,
  LocalChain,
  type SubnetHyperparameters,
} from '@mt/chain';
import type { NeuronHotkey } from '../bittensor-wire.js';
import { chainHotkeyOf } from '../chain-hotkey.js';

/** A LocalChain in memory with one subnet, and a way to put neurons' hotkeys (either wire's) on it. */
export interface LocalTestNetwork {
  chain: LocalChain;
  netuid: number;
  owner: ChainKeypair;
  /** Registers `hotkey` (its chain key) under the owner's coldkey, with `stake` rao, and publishes `url`. */
  join(
    hotkey: NeuronHotkey,
    options?: { stake?: bigint; url?: string },
  ): Promise<{ key: ChainKeypair; uid: number }>;
}

export async function localTestNetwork(
  params: Partial<SubnetHyperparameters> = {},
): Promise<LocalTestNetwork> {
  const sudo = (await generateKeypair()).pair;
  const owner = (await generateKeypair()).pair;
  // Miners in tests listen on loopback or private test addresses: a local network's.
  const chain = LocalChain.create(
    ':memory:',
    { sudo: sudo.address, balances: [[owner.address, 10n ** 15n]] },
    { allowPrivateEndpoints: true },
  );
  const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
  await chain.setHyperparameters(owner, netuid, {
    tempo: 4,
    weightsRateLimit: 0,
    maxRegistrationsPerBlock: 1000,
    targetRegistrationsPerInterval: 1000,
    ...params,
  });
  return {
    chain,
    netuid,
    owner,
    async join(hotkey, options = {}) {
      const key = await chainHotkeyOf(hotkey);
      const uid = await chain.register(owner, netuid, key.address);
      if (options.stake) await chain.addStake(owner, netuid, key.address, options.stake);
      if (options.url) await chain.publishEndpoint(key, netuid, options.url);
      return { key, uid };
    },
  };
}
