import { randomBytes } from 'node:crypto';
import { encodeAddress } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import { ChainRejectedError } from '../errors.js';
import {
  addressOf,
  canonicalAddress,
  generateKeypair,
  keypairFromSeed,
  keypairFromUri,
  signWithChainKey,
  verifyChainSignature,
} from './keypair.js';

describe('chain keys', () => {
  it('signs an ed25519 call natively with the very bytes polkadot-js signs', async () => {
    const message = randomBytes(300);
    for (const pair of [
      await keypairFromSeed(randomBytes(32), 'ed25519'),
      (await generateKeypair('ed25519')).pair,
    ]) {
      expect(Buffer.from(signWithChainKey(pair, message))).toEqual(Buffer.from(pair.sign(message)));
    }
    // A generated pair is the one its mnemonic restores.
    const { pair, mnemonic } = await generateKeypair('ed25519');
    expect((await keypairFromUri(mnemonic, 'ed25519')).address).toBe(pair.address);
  });

  it('verifies ed25519 and sr25519 signatures, and refuses a changed byte or another signer', async () => {
    const message = randomBytes(100);
    const ed = await keypairFromSeed(randomBytes(32), 'ed25519');
    const sr = (await generateKeypair('sr25519')).pair;
    for (const pair of [ed, sr]) {
      const signature = signWithChainKey(pair, message);
      expect(await verifyChainSignature(message, signature, pair.address)).toBe(true);
      const changed = Uint8Array.from(signature);
      changed[10] = (changed[10] ?? 0) ^ 1;
      expect(await verifyChainSignature(message, changed, pair.address)).toBe(false);
      expect(await verifyChainSignature(message, signature, (ed === pair ? sr : ed).address)).toBe(
        false,
      );
    }
  });

  it('spells an account one way, whatever prefix it came in, and refuses what is no address', async () => {
    const pair = (await generateKeypair()).pair;
    const polkadot = encodeAddress(pair.publicKey, 0);
    expect(canonicalAddress(polkadot)).toBe(pair.address);
    expect(canonicalAddress(polkadot)).toBe(pair.address); // and again, from its cache
    expect(addressOf(pair)).toBe(pair.address);
    expect(() => canonicalAddress('not an address')).toThrow(
      expect.objectContaining({ code: ChainRejectedError.code }),
    );
  });
});
