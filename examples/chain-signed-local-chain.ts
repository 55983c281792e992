// @mt/chain alone: the embedded chain with every call signed, an epoch, a
// forged call refused, and the subtensor client's optional peer refused with
// the install line.
//   npm install @mt/chain
import assert from 'node:assert/strict';
import { ChainSignatureError, generateKeypair, LocalChain, toU16Weights } from '@mt/chain';
import { SubtensorChain } from '@mt/chain/subtensor';
import { MissingPeerError } from '@mt/protocol';

const sudo = (await generateKeypair()).pair;
const owner = (await generateKeypair()).pair;
const chain = LocalChain.create(':memory:', {
  sudo: sudo.address,
  // A subnet locks 1,000 TAO of its creator's balance, as on subtensor.
  balances: [[owner.address, 2n * 10n ** 12n]],
});
const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
await chain.setHyperparameters(owner, netuid, {
  tempo: 4,
  weightsRateLimit: 0,
  maxRegistrationsPerBlock: 9,
});
const validator = (await generateKeypair('ed25519')).pair;
const miner = (await generateKeypair('ed25519')).pair;
await chain.register(owner, netuid, validator.address);
const minerUid = await chain.register(owner, netuid, miner.address);
await chain.addStake(owner, netuid, validator.address, 10n ** 9n);
chain.advanceBlocks(5); // an epoch gives the validator its permit
await chain.setWeights(validator, netuid, toU16Weights(new Map([[minerUid, 1]])));
chain.advanceBlocks(5);
const paid = (await chain.metagraph(netuid)).neurons.find((n) => n.uid === minerUid);
assert.ok(
  paid && paid.incentive > 0.99 && paid.emission > 0n,
  JSON.stringify(paid, (_, v) => String(v)),
);

const forged = {
  ...chain.sign(owner, { name: 'setBalance', args: { address: owner.address, rao: '1' } }),
  signer: sudo.address,
};
const refused = await chain.submit(forged).catch((error: unknown) => error);
assert.ok(ChainSignatureError.isInstance(refused), String(refused));

const noApi = await SubtensorChain.connect('ws://127.0.0.1:9').catch((error: unknown) => error);
assert.ok(MissingPeerError.isInstance(noApi) && noApi.peer === '@polkadot/api', String(noApi));
console.log(
  `miner incentive ${paid.incentive.toFixed(3)}; forged call: ${refused.code}; SubtensorChain: ${noApi.code}`,
);
await chain.close();
