import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeypair } from '../keys/keypair.js';
import { describeChainClient } from '../test-support/describe-chain-client.js';
import { LocalChain } from './local-chain.js';

describeChainClient('LocalChain', async () => {
  const sudo = (await generateKeypair()).pair;
  // A file rather than memory, so a second client can open the same chain.
  const dir = mkdtempSync(join(tmpdir(), 'mt-local-conformance-'));
  const file = join(dir, 'chain.db');
  const chain = LocalChain.create(file, { sudo: sudo.address }, { allowPrivateEndpoints: true });
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
    publicView: async () => LocalChain.open(file),
    close: async () => {
      await chain.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
