import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultOf, type Task } from '@mt/protocol';
import { echoMiner, echoValidator } from '@mt/subnets';
import { Hotkey } from '@mt/wire';
import {
  axonRoute,
  BittensorAxon,
  BittensorDendrite,
  BittensorWalletError,
  defineSynapse,
  py,
  Sr25519Hotkey,
  writeBittensorHotkey,
} from '@mt/wire/bittensor';
import { afterEach, describe, expect, it } from 'vitest';
import { type SynapseMapping, taskSynapse } from './bittensor-wire.js';
import { senderAddressOf } from './chain-hotkey.js';
import { validatorsOnChain } from './miner/chain-blacklist.js';
import { type MinerNode, startMinerNode } from './miner/miner-node.js';
import { type LocalTestNetwork, localTestNetwork } from './test-support/local-network.js';
import { ValidatorNode, type ValidatorNodeOptions } from './validator/validator-node.js';
import { walletNeuronKeys } from './wallet-keys.js';

// Neurons on Bittensor's Synapse wire: sr25519 hotkeys (a Bittensor
// wallet's), a real axon on loopback, a LocalChain naming its ip and port.

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An echo-subnet validator on Bittensor's wire, on `net`, reaching loopback miners. */
function bittensorValidator(
  net: LocalTestNetwork,
  hotkey: Sr25519Hotkey,
  more: Partial<ValidatorNodeOptions> = {},
): ValidatorNode {
  return new ValidatorNode({
    hotkey,
    wire: 'bittensor',
    chain: net.chain,
    netuid: net.netuid,
    subnet: echoValidator(),
    dendrite: { allowPrivateEndpoints: true },
    ...more,
  });
}

async function network(): Promise<LocalTestNetwork> {
  const net = await localTestNetwork();
  cleanups.push(() => net.chain.close());
  return net;
}

describe("neurons on Bittensor's wire", () => {
  it('a validator queries a miner over the Synapse wire, scores it, and sets weights for it', async () => {
    const net = await network();
    const validatorKey = Sr25519Hotkey.generate();
    await net.join(validatorKey, { stake: 1_000_000n });
    net.chain.advanceBlocks(5);
    const minerKey = Sr25519Hotkey.generate();
    const blacklist = await validatorsOnChain(net.chain, [net.netuid], {
      minStake: 1n,
      wire: 'bittensor',
      refreshMs: 60_000,
    });
    cleanups.push(() => blacklist.close());
    const miner: MinerNode = await startMinerNode({
      hotkey: minerKey,
      wire: 'bittensor',
      subnets: [{ miner: echoMiner() }],
      blacklist: blacklist.blacklist,
      priority: blacklist.priority,
    });
    cleanups.push(() => miner.close());
    expect(miner.address).toBe(minerKey.address);
    const { uid } = await net.join(minerKey, { url: miner.url });

    const validator = bittensorValidator(net, validatorKey);
    const [round] = await validator.round(0);
    expect(round).toMatchObject({ uid, status: 'ok' });
    expect(round?.score).toBeGreaterThan(0);
    const set = await validator.setWeights();
    expect(set?.uids).toEqual([uid]);
    expect(miner.metrics().responses['200']).toBe(1);
  });

  it("the miner's blacklist refuses a stranger's signed synapse, as Python reads a 403", async () => {
    const net = await network();
    const blacklist = await validatorsOnChain(net.chain, [net.netuid], {
      wire: 'bittensor',
      refreshMs: 60_000,
    });
    cleanups.push(() => blacklist.close());
    const minerKey = Sr25519Hotkey.generate();
    const miner = await startMinerNode({
      hotkey: minerKey,
      wire: 'bittensor',
      subnets: [{ miner: echoMiner() }],
      blacklist: blacklist.blacklist,
    });
    cleanups.push(() => miner.close());
    const stranger = new BittensorDendrite({
      hotkey: Sr25519Hotkey.generate(),
      allowPrivateEndpoints: true,
    });
    const mapping = taskSynapse(echoMiner().name);
    const task = await echoValidator().createTask({
      minerUid: 0,
      difficulty: 0.5,
      netuid: 1,
      round: 0,
    });
    const url = new URL(miner.url);
    const answer = await stranger.call(
      { ip: url.hostname, port: Number(url.port), hotkey: minerKey.address },
      mapping.synapse,
      mapping.request(task),
    );
    expect(answer).toMatchObject({ isSuccess: false, statusCode: 403 });
    expect(answer.statusMessage).toMatch(/^Forbidden\. Key is blacklisted: .* is not a validator/);
  });

  it('refuses a hotkey of the other scheme, saying which wire wants which', async () => {
    const net = await network();
    await expect(
      startMinerNode({
        hotkey: Hotkey.generate(),
        wire: 'bittensor',
        subnets: [{ miner: echoMiner() }],
      }),
    ).rejects.toThrow(/sr25519/);
    expect(
      () =>
        new ValidatorNode({
          hotkey: Sr25519Hotkey.generate(),
          chain: net.chain,
          netuid: net.netuid,
          subnet: echoValidator(),
        }),
    ).toThrow(/wire: 'bittensor'/);
  });

  it('takes its keys from a Bittensor wallet: the hotkey is the chain key too, the coldkey read only when needed', async () => {
    const path = mkdtempSync(join(tmpdir(), 'mt-neuron-wallet-'));
    cleanups.push(() => rmSync(path, { recursive: true, force: true }));
    const seed = new Uint8Array(32).fill(9);
    await writeBittensorHotkey({ wallet: 'miner', hotkey: 'h1', path }, seed);
    const keys = await walletNeuronKeys({ wallet: 'miner', hotkey: 'h1', path });
    expect(keys.hotkey.address).toBe(Sr25519Hotkey.fromSeed(seed).address);
    // @scure/sr25519 and the chain's schnorrkel expand the seed to the same key.
    expect(senderAddressOf(keys.chainHotkey.address, 'bittensor')).toBe(keys.hotkey.address);
    // This wallet has no coldkey file: asking for it is the first time it is read.
    const refusal = await keys.coldkey().catch((error: unknown) => error);
    expect(BittensorWalletError.isInstance(refusal) && refusal.reason).toBe('missing');
  });

  it("scores a miner that serves an existing subnet's own synapse, through a SynapseMapping", async () => {
    const net = await network();
    const validatorKey = Sr25519Hotkey.generate();
    await net.join(validatorKey, { stake: 1_000_000n });
    net.chain.advanceBlocks(5);
    // The subnet's protocol.py, as a Python miner serves it: `class Echo(bt.Synapse): text: str; out: Optional[str] = None`.
    const Echo = defineSynapse({
      name: 'Echo',
      fields: { text: py.str, out: { type: py.optional(py.str), default: null } },
      requiredHashFields: ['text'],
    });
    const minerKey = Sr25519Hotkey.generate();
    const axon = new BittensorAxon({
      hotkey: minerKey,
      routes: [axonRoute(Echo, ({ text }) => ({ out: text }))],
    });
    const server = await axon.serve();
    cleanups.push(() => server.close());
    const { uid } = await net.join(minerKey, { url: server.url });
    const textOf = (task: Task) => String((task.taskData as { text: string }).text);
    const validator = bittensorValidator(net, validatorKey, {
      synapse: {
        synapse: Echo,
        request: (task) => ({ text: textOf(task) }),
        result: (task, values) =>
          resultOf(
            task,
            { resultData: { text: String(values.out ?? '') } },
            { completedAt: Date.now(), executionTimeMs: 0 },
          ),
        task: () => {
          throw new Error('the validator side maps no task back');
        },
        outputs: () => ({}),
      } as SynapseMapping,
    });
    const [round] = await validator.round(0);
    expect(round).toMatchObject({ uid, status: 'ok' });
    expect(round?.score).toBeGreaterThan(0.5);
  });
});
