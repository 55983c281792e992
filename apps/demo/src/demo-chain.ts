import { rm } from 'node:fs/promises';
import { type ChainClient, type ChainKeypair, generateKeypair, LocalChain } from '@mt/chain';

/** The chain a demo network runs on, and the development powers over it the demo needs. */
export interface DemoChain {
  client: ChainClient;
  /** Shown in the report. */
  label: string;
  /** The coldkey that owns the subnets and pays registrations and stake. */
  owner: ChainKeypair;
  /** The key that sets hyperparameters (the owner on LocalChain; sudo on subtensor, where tempo needs root). */
  admin: ChainKeypair;
  /** Where miners listen (subtensor's `serve_axon` refuses 127.0.0.1; 127.0.0.2 is loopback too on Linux). */
  minerHost: string;
  /** For `commitRevealPeriod`: epochs on LocalChain, blocks on spec 202. */
  revealPeriod: number;
  /** Called once a subnet exists. */
  prepareSubnet(netuid: number): Promise<void>;
  /** Builds `count` blocks. */
  newBlocks(count: number): Promise<void>;
  close(): Promise<void>;
}

/** A fresh `LocalChain` in `file`: nothing to install. */
export async function localDemoChain(file: string): Promise<DemoChain> {
  await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
  const sudo = (await generateKeypair()).pair;
  const owner = (await generateKeypair()).pair;
  // The demo's network is on loopback: it says so, as a public one never would.
  const chain = LocalChain.create(
    file,
    {
      sudo: sudo.address,
      balances: [[owner.address, 10n ** 15n]],
      // The demo's two subnets are made back to back.
      subnetRateLimitBlocks: 0,
    },
    { allowPrivateEndpoints: true },
  );
  return {
    client: chain,
    label: 'LocalChain (SQLite, signed calls)',
    owner,
    admin: owner,
    minerHost: '127.0.0.1',
    revealPeriod: 1,
    prepareSubnet: async () => {},
    newBlocks: async (count) => {
      chain.advanceBlocks(count);
    },
    close: () => chain.close(),
  };
}

/**
 * Bittensor's own runtime (spec 202, real Yuma epochs and commit-reveal) in
 * chopsticks on loopback, started here, with a sudo key of the demo's.
 */
export async function subtensorDemoChain(tempo: number): Promise<DemoChain> {
  const { startSubtensorDevnet } = await import('@mt/chain/devnet');
  const { SubtensorChain } = await import('@mt/chain/subtensor');
  const devnet = await startSubtensorDevnet({ runtime: 'spec202' });
  try {
    const sudo = (await generateKeypair()).pair;
    const owner = (await generateKeypair()).pair;
    await devnet.setSudo(sudo.address);
    await devnet.setBalance(sudo.address, 10n ** 15n);
    await devnet.setBalance(owner.address, 10n ** 15n);
    const chain = await SubtensorChain.connect(devnet.url, { allowPrivateEndpoints: true });
    // Development settings: subnets back to back, cheaply.
    await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkRateLimit', [0]);
    await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkMinLockCost', [1_000_000_000]);
    // One coldkey stakes every validator here: spec 202 limits stakes per interval per coldkey.
    await chain.sudo(sudo, 'adminUtils', 'sudoSetTargetStakesPerInterval', [1_000]);
    return {
      client: chain,
      label: `subtensor ${chain.runtime.specName} ${chain.runtime.specVersion} (chopsticks, ${devnet.url})`,
      owner,
      admin: sudo,
      minerHost: '127.0.0.2',
      // Spec 202 counts the reveal window in blocks: two epochs' worth.
      revealPeriod: 2 * (tempo + 1),
      // A new subnet has no emission until root weights give it some; a live subnet has.
      prepareSubnet: (netuid) =>
        devnet.setStorage({ SubtensorModule: { EmissionValues: [[[netuid], '1000000000']] } }),
      newBlocks: async (count) => {
        await devnet.newBlocks(count);
      },
      close: async () => {
        await chain.close();
        await devnet.stop();
      },
    };
  } catch (error) {
    await devnet.stop();
    throw error;
  }
}
