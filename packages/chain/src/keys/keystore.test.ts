import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { describe, expect, it } from 'vitest';
import { KeystoreError } from '../errors.js';
import { generateKeypair } from './keypair.js';
import { loadColdkey, saveColdkey } from './keystore.js';

describe('coldkey keystore', () => {
  it("writes polkadot-js's encrypted JSON at 0600, which polkadot-js itself reads back", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mt-keys-'));
    const { pair, mnemonic } = await generateKeypair('sr25519');
    const file = join(dir, 'coldkey.json');
    await saveColdkey(file, pair, 'correct horse battery');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(mnemonic.split(' ')[0] as string);
    // polkadot-js's own keyring decrypts it: the format is the ecosystem's.
    const theirs = new Keyring({ type: 'sr25519' }).addFromJson(JSON.parse(text));
    theirs.decodePkcs8('correct horse battery');
    expect(theirs.address).toBe(pair.address);
    const ours = await loadColdkey(file, 'correct horse battery');
    const message = new TextEncoder().encode('stake');
    expect(ours.address).toBe(pair.address);
    expect(theirs.verify(message, ours.sign(message), pair.publicKey)).toBe(true);
    await expect(saveColdkey(file, pair, 'correct horse battery')).rejects.toSatisfy(
      KeystoreError.isInstance,
    );
  });

  it('refuses a wrong passphrase, a short one, a file that is not a keystore, and a huge file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mt-keys-'));
    const { pair } = await generateKeypair('ed25519');
    const file = join(dir, 'coldkey.json');
    await expect(saveColdkey(file, pair, 'short')).rejects.toThrow(/at least 8/);
    await saveColdkey(file, pair, 'a long passphrase');
    await expect(loadColdkey(file, 'not it at all')).rejects.toThrow(/passphrase does not decrypt/);
    writeFileSync(join(dir, 'junk.json'), '{"hello":1}', { mode: 0o600 });
    await expect(loadColdkey(join(dir, 'junk.json'), 'whatever1')).rejects.toThrow(
      /not a polkadot-js keystore/,
    );
    writeFileSync(join(dir, 'big.json'), ' '.repeat(20_000), { mode: 0o600 });
    await expect(loadColdkey(join(dir, 'big.json'), 'whatever1')).rejects.toThrow(
      /bytes; a key file is under/,
    );
    // Read as every secret is: a file others can read is refused, with the fix.
    writeFileSync(join(dir, 'open.json'), '{}', { mode: 0o644 });
    await expect(loadColdkey(join(dir, 'open.json'), 'whatever1')).rejects.toSatisfy(
      (error: Error) => KeystoreError.isInstance(error) && /chmod 600/.test(error.message),
    );
  });
});
