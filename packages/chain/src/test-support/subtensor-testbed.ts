import { startSubtensorDevnet } from '../devnet/subtensor-devnet.js';
import { generateKeypair } from '../keys/keypair.js';
import { SubtensorChain } from '../subtensor/subtensor-chain.js';
import type { ChainTestbed } from './describe-chain-client.js';

/** A chopsticks devnet of `runtime` with a sudo key of ours, its rate limits off, and a client. */
export async function subtensorTestbed(
  runtime: 'spec202' | 'spec218',
): Promise<ChainTestbed & { url: string }> {
  const devnet = await startSubtensorDevnet({ runtime });
  const sudo = (await generateKeypair()).pair;
  await devnet.setSudo(sudo.address);
  await devnet.setBalance(sudo.address, 10n ** 15n);
  const chain = await SubtensorChain.connect(devnet.url, { allowPrivateEndpoints: true });
  // Development settings the contract does not cover: subnets may be created back to back, cheaply.
  await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkRateLimit', [0]);
  await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkMinLockCost', [1_000_000_000]);
  // Spec 202 limits stakes and unstakes per interval per coldkey; the suite does both at once.
  if (runtime === 'spec202')
    await chain.sudo(sudo, 'adminUtils', 'sudoSetTargetStakesPerInterval', [1_000]);
  return {
    url: devnet.url,
    chain,
    sudo,
    callLandsAfterHead: 1,
    realEpochs: runtime === 'spec202',
    revealPeriod: runtime === 'spec202' ? 20 : 1,
    // A new subnet has no emission on spec 202 until root weights give it some, and on
    // spec 218 a pool of 1 rao, so stake buys no alpha: both are seeded, as a subnet
    // on a live network would already be.
    prepareSubnet: (netuid) =>
      devnet.setStorage(
        runtime === 'spec202'
          ? { SubtensorModule: { EmissionValues: [[[netuid], '1000000000']] } }
          : {
              SubtensorModule: {
                SubnetTAO: [[[netuid], '1000000000000000']],
                SubnetAlphaIn: [[[netuid], '1000000000000000']],
              },
            },
      ),
    publicView: () => SubtensorChain.connect(devnet.url),
    // The same chain read from storage, as a runtime without the neuron and subnet APIs is.
    otherReaders: async () => [
      await SubtensorChain.connect(devnet.url, { allowPrivateEndpoints: true, runtimeApis: false }),
    ],
    fund: (address, rao) => devnet.setBalance(address, rao),
    newBlocks: async (count) => {
      await devnet.newBlocks(count);
    },
    close: async () => {
      await chain.close();
      await devnet.stop();
    },
  };
}
