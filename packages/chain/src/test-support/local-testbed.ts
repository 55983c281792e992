import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeypair } from '../keys/keypair.js';
import { LocalChain } from '../local/local-chain.js';
import type { ChainTestbed } from './describe-chain-client.js';

/** A `LocalChain` in a file of its own (a second client can open it), with a sudo key of ours. */
export async function localTestbed(): Promise<ChainTestbed & { file: string }> {
  const sudo = (await generateKeypair()).pair;
  const dir = mkdtempSync(join(tmpdir(), 'mt-local-testbed-'));
  const file = join(dir, 'chain.db');
  const chain = LocalChain.create(file, { sudo: sudo.address }, { allowPrivateEndpoints: true });
  return {
    file,
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
}
