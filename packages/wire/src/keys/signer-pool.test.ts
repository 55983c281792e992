import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hotkey, verifySignature } from './hotkey.js';
import { SignerPool } from './signer-pool.js';

describe('SignerPool', () => {
  let pool: SignerPool;
  beforeAll(async () => {
    pool = await SignerPool.start({ threads: 2 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('signs as node:crypto verifies, and verifies what node:crypto signs', async () => {
    const key = Hotkey.generate();
    const message = Buffer.from('a message');
    const signature = await pool.sign(key, message);
    expect(verifySignature(key.address, message, signature)).toBe(true);
    expect(await pool.verify(key.publicKey, message, key.sign(message))).toBe(true);
  });

  it('refuses a wrong signature, message or key, in batches of mixed jobs', async () => {
    const key = Hotkey.generate();
    const other = Hotkey.generate();
    const jobs = Array.from({ length: 300 }, (_, i) => {
      const message = Buffer.from(`message ${i}`);
      const signature = key.sign(message);
      const tampered = Uint8Array.from(signature);
      tampered[i % 64] = (tampered[i % 64] ?? 0) ^ 1;
      return Promise.all([
        pool.verify(key.publicKey, message, signature),
        pool.verify(key.publicKey, message, tampered),
        pool.verify(other.publicKey, message, signature),
        pool.verify(key.publicKey, Buffer.from(`message ${i + 1}`), signature),
        pool.sign(key, message).then((s) => Buffer.from(s).equals(Buffer.from(signature))),
      ]);
    });
    for (const [valid, tampered, wrongKey, wrongMessage, sameSignature] of await Promise.all(
      jobs,
    )) {
      expect([valid, tampered, wrongKey, wrongMessage, sameSignature]).toEqual([
        true,
        false,
        false,
        false,
        true,
      ]);
    }
  });

  it('refuses malformed lengths without asking a worker', async () => {
    const key = Hotkey.generate();
    expect(await pool.verify(key.publicKey, Buffer.from('m'), new Uint8Array(63))).toBe(false);
    expect(await pool.verify(new Uint8Array(31), Buffer.from('m'), new Uint8Array(64))).toBe(false);
  });

  it('fails pending and later jobs once closed', async () => {
    const closing = await SignerPool.start({ threads: 1 });
    await closing.close();
    await expect(closing.sign(Hotkey.generate(), Buffer.from('m'))).rejects.toThrow(/closed/);
  });
});
