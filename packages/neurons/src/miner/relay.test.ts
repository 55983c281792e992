import { resultSchema, type SubnetMiner } from '@mt/protocol';
import { echoMiner, echoValidator } from '@mt/subnets';
import { Hotkey, ValidatorClient } from '@mt/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { wireAddressOf } from '../chain-hotkey.js';
import { localTestNetwork } from '../test-support/local-network.js';
import { ValidatorNode } from '../validator/validator-node.js';
import { type ChainBlacklistOptions, validatorsOnChain } from './chain-blacklist.js';
import { type MinerNode, startMinerNode } from './miner-node.js';

// A miner with no model of its own forwards each task it gets to an honest
// miner, signs the honest answer with its own key and sends it back. Over
// real HTTP on loopback, against a validator with a permit and real stake.

const TAO = 1_000_000_000n;
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function relayRound(policy: ChainBlacklistOptions) {
  const net = await localTestNetwork({ commitRevealEnabled: false });
  closers.push(() => net.chain.close());
  const validatorKey = Hotkey.generate();
  const honestKey = Hotkey.generate();
  const relayKey = Hotkey.generate();
  await net.join(validatorKey, { stake: 2_000n * TAO });
  // The relay earned a little emission: stake, and on a subnet this small, a permit.
  const relayJoined = await net.join(relayKey, { stake: TAO });
  net.chain.advanceBlocks(5);
  const validators = await validatorsOnChain(net.chain, [net.netuid], {
    refreshMs: 60_000,
    ...policy,
  });
  closers.push(() => validators.close());
  const serve = async (hotkey: Hotkey, miner: SubnetMiner): Promise<MinerNode> => {
    const server = await startMinerNode({
      hotkey,
      subnets: [{ miner }],
      host: '127.0.0.1',
      blacklist: validators.blacklist,
      priority: validators.priority,
    });
    closers.push(() => server.close());
    return server;
  };
  const honest = await serve(honestKey, echoMiner());
  await net.join(honestKey, { url: honest.url });
  const asHonest = new ValidatorClient({ hotkey: relayKey, allowPrivateEndpoints: true });
  const relay = await serve(relayKey, {
    ...echoMiner(),
    async solveTask(task) {
      const [outcome] = await asHonest.query(
        [{ address: honestKey.address, url: honest.url }],
        'echo',
        task,
        { responseSchema: resultSchema },
      );
      if (outcome?.status !== 'ok' || !outcome.result)
        throw new Error(`the honest miner would not answer: ${outcome?.status} ${outcome?.code}`);
      return { resultData: outcome.result.resultData };
    },
  });
  await net.chain.publishEndpoint(relayJoined.key, net.netuid, relay.url);
  const node = new ValidatorNode({
    hotkey: validatorKey,
    chain: net.chain,
    netuid: net.netuid,
    subnet: echoValidator({ timeoutMs: 3_000 }),
    client: { allowPrivateEndpoints: true },
  });
  const round = await node.round(0);
  const scoreOf = (key: Hotkey) =>
    round.find((r) => wireAddressOf(r.hotkey) === key.address)?.score ?? -1;
  return { honest: scoreOf(honestKey), relay: scoreOf(relayKey) };
}

describe('a miner relaying another miner’s work', () => {
  it('is paid as that miner when miners serve any staked key (the attack)', async () => {
    const scores = await relayRound({ minStake: 1n, requirePermit: false });
    expect(scores.honest).toBeGreaterThan(0.8);
    expect(scores.relay).toBeGreaterThan(0.8);
  });

  it('earns nothing when miners serve only validators, as they do by default', async () => {
    const scores = await relayRound({});
    expect(scores.honest).toBeGreaterThan(0.8);
    expect(scores.relay).toBe(0);
  });
});
