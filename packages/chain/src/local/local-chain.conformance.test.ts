import { generateKeypair } from '../keys/keypair.js';
import { describeChainClient } from '../test-support/describe-chain-client.js';
import { LocalChain } from './local-chain.js';

describeChainClient('LocalChain', async () => {
  const sudo = (await generateKeypair()).pair;
  const chain = LocalChain.create(':memory:', { sudo: sudo.address });
  return {
    chain,
    sudo,
    callLandsAfterHead: 0,
    realEpochs: true,
    revealPeriod: 1,
    fund: (address, rao) => chain.setBalance(sudo, address, rao),
    newBlocks: async (count) => {
      chain.advanceBlocks(count);
    },
    close: () => chain.close(),
  };
});
