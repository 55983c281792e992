// @mt/neurons alone: a miner and a validator of your own subnet on the
// embedded chain: the validator queries the miner over the signed wire and
// sets its weights on chain.
//   npm install @mt/neurons
import assert from 'node:assert/strict';
import { generateKeypair, LocalChain } from '@mt/chain';
import { chainHotkeyOf, joinSubnet, startMinerNode, ValidatorNode } from '@mt/neurons';
import { newTask, type SubnetMiner, type SubnetValidator } from '@mt/protocol';
import { Hotkey } from '@mt/wire';

const upper: SubnetMiner = {
  name: 'upper',
  version: '1.0.0',
  async solveTask(task) {
    return { resultData: { text: String(task.taskData.text).toUpperCase() } };
  },
};
const judge: SubnetValidator = {
  name: 'upper',
  version: '1.0.0',
  async createTask(context) {
    return newTask(context, { taskData: { text: 'hello' }, timeoutMs: 2_000 });
  },
  async scoreResult(_task, result) {
    return { value: result.resultData.text === 'HELLO' ? 1 : 0 };
  },
};

const owner = (await generateKeypair()).pair;
// Everything here listens on loopback: a network on one machine, which must say so.
const chain = LocalChain.create(
  ':memory:',
  { sudo: owner.address, balances: [[owner.address, 10n ** 13n]] },
  { allowPrivateEndpoints: true },
);
const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
await chain.setHyperparameters(owner, netuid, {
  tempo: 4,
  weightsRateLimit: 0,
  maxRegistrationsPerBlock: 9,
});
const minerKey = Hotkey.generate();
const validatorKey = Hotkey.generate();
const server = await startMinerNode({ hotkey: minerKey, subnets: [{ miner: upper }] });
const minerUid = await joinSubnet(chain, {
  netuid,
  hotkey: await chainHotkeyOf(minerKey),
  coldkey: owner,
  endpoint: server.url,
});
await joinSubnet(chain, {
  netuid,
  hotkey: await chainHotkeyOf(validatorKey),
  coldkey: owner,
  stake: 10n ** 9n,
});
chain.advanceBlocks(5);
const validator = new ValidatorNode({
  hotkey: validatorKey,
  chain,
  netuid,
  subnet: judge,
  client: { allowPrivateEndpoints: true },
});
const [round] = await validator.round(0);
assert.equal(round?.score, 1, JSON.stringify(round));
const set = await validator.setWeights();
assert.deepEqual(set?.uids, [minerUid]);
console.log(`miner scored ${round.score}; weights set on chain for UID ${minerUid}`);
await server.close();
await chain.close();
