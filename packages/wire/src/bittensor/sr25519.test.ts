import { verify as scureVerify } from '@scure/sr25519';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ss58AddressError } from './errors.js';
import { Sr25519Hotkey, sr25519SignatureRefusal, ss58Decode, ss58Encode } from './sr25519.js';
import vectors from './test-support/signatures.json' with { type: 'json' };
import { Sr25519VerifierPool } from './verifier-pool.js';

// Measured from the real bittensor v10.2.0 stack: one signature made by a real
// Python dendrite in the wild (SDK 7.1), this run's requests, and keys from seeds.

const hex = (text: string) => Buffer.from(text.replace(/^0x/, ''), 'hex');

describe('sr25519 hotkeys and SS58, as Bittensor wallets hold them', () => {
  it.each(vectors.keys_from_seeds.map((k) => [k.role, k] as const))(
    'derives the %s key from its seed, at prefix 42 and 13116',
    (_role, key) => {
      const hotkey = Sr25519Hotkey.fromSeed(hex(key.seed));
      expect(Buffer.from(hotkey.publicKey).toString('hex')).toBe(key.public_key.slice(2));
      expect(hotkey.address).toBe(key.ss58_prefix_42);
      expect(ss58Encode(hotkey.publicKey, 13_116)).toBe(key.ss58_prefix_13116);
      expect(ss58Decode(key.ss58_prefix_13116)).toEqual({
        publicKey: hotkey.publicKey,
        prefix: 13_116,
      });
      expect(ss58Decode(key.ss58_prefix_42).prefix).toBe(42);
    },
  );

  it.each(vectors.vectors.map((v) => [v.id, v] as const))('%s', (_id, vector) => {
    const refusal = sr25519SignatureRefusal(vector.signer_ss58, vector.message, vector.signature);
    if (vector.expect === true) expect(refusal).toBeUndefined();
    else if (vector.expect === false) expect(refusal).toBe('Signature mismatch');
    else expect(`ValueError: ${refusal}`).toBe(vector.expect);
  });

  it('signs so that the signature verifies (randomized: verify, never compare)', () => {
    const key = Sr25519Hotkey.generate();
    const message = '1796583433785730060.a.b.uuid.hash';
    const first = key.sign(message);
    expect(first).toMatch(/^0x[0-9a-f]{128}$/);
    expect(key.sign(message)).not.toBe(first);
    expect(sr25519SignatureRefusal(key.address, message, first)).toBeUndefined();
    expect(
      sr25519SignatureRefusal(key.address, message, first.toUpperCase().replace('0X', '0x')),
    ).toBeUndefined();
    expect(sr25519SignatureRefusal(key.address, `${message}x`, first)).toBe('Signature mismatch');
    expect(sr25519SignatureRefusal(Sr25519Hotkey.generate().address, message, first)).toBe(
      'Signature mismatch',
    );
    expect(sr25519SignatureRefusal(key.address, message, '0xdeadbeef')).toBe('Invalid signature');
    expect(
      sr25519SignatureRefusal(key.address, message, `0x${'00'.repeat(64)}`),
    ).not.toBeUndefined();
    expect(sr25519SignatureRefusal('5nope', message, first)).toMatch(/^Invalid SS58 address/);
  });

  it('refuses an address with a typo by its checksum', () => {
    const address = Sr25519Hotkey.generate().address;
    const typo = `${address.slice(0, 10)}${address[10] === 'a' ? 'b' : 'a'}${address.slice(11)}`;
    expect(() => ss58Decode(typo)).toThrow(Ss58AddressError);
  });

  it("verifies exactly as @scure/sr25519's own verify, for valid, tampered and malformed signatures, known key or not", () => {
    const flip = (signature: Uint8Array, at: number, mask: number) => {
      const copy = Uint8Array.from(signature);
      copy[at] = (copy[at] as number) ^ mask;
      return copy;
    };
    const order = 2n ** 252n + 27742317777372353535851937790883648493n;
    for (let round = 0; round < 6; round += 1) {
      const seed = new Uint8Array(32).fill(40 + round);
      const key = Sr25519Hotkey.fromSeed(seed);
      const message = `message ${round} ${'x'.repeat(round * 40)}`;
      const signature = hex(key.sign(message));
      const highS = Uint8Array.from(signature);
      // s = its own value + the group order: a second encoding of the same s, which both refuse.
      const sPart =
        BigInt(`0x${Buffer.from(highS.subarray(32)).reverse().toString('hex')}`) &
        ((1n << 255n) - 1n);
      const bumped = sPart + order;
      if (bumped < 1n << 255n)
        highS.set(Buffer.from(bumped.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
      highS[63] = (highS[63] as number) | 0x80;
      const cases = [
        signature,
        flip(signature, 0, 1), // R changed
        flip(signature, 40, 1), // s changed
        flip(signature, 63, 0x80), // the schnorrkel marker removed
        highS,
      ];
      // Twice: the second time the key is known, its point and tables cached.
      for (const pass of [1, 2])
        for (const candidate of cases) {
          let expected: boolean;
          try {
            expected = scureVerify(new TextEncoder().encode(message), candidate, key.publicKey);
          } catch {
            expected = false;
          }
          const refusal = sr25519SignatureRefusal(
            key.address,
            message,
            `0x${Buffer.from(candidate).toString('hex')}`,
          );
          expect({ pass, valid: refusal === undefined }).toEqual({ pass, valid: expected });
        }
    }
  });
});

describe('Sr25519VerifierPool', () => {
  let pool: Sr25519VerifierPool;
  beforeAll(async () => {
    pool = await Sr25519VerifierPool.start({ threads: 2 });
  });
  afterAll(() => pool.close());

  it('says of every measured vector what the inline check says, in batches across workers', async () => {
    const inline = vectors.vectors.map((v) =>
      sr25519SignatureRefusal(v.signer_ss58, v.message, v.signature),
    );
    const pooled = await Promise.all(
      vectors.vectors.map((v) => pool.refusal(v.signer_ss58, v.message, v.signature)),
    );
    expect(pooled).toEqual(inline);
    expect(pooled.filter((refusal) => refusal === undefined).length).toBeGreaterThan(0);
    expect(pooled.filter((refusal) => refusal !== undefined).length).toBeGreaterThan(0);
  });

  it('refuses tampered messages and foreign keys among hundreds of valid checks', async () => {
    const key = Sr25519Hotkey.generate();
    const stranger = Sr25519Hotkey.generate();
    const checks = Array.from({ length: 200 }, (_, i) => {
      const message = `${i}.${key.address}.axon.uuid.hash`;
      const signature = key.sign(message);
      return Promise.all([
        pool.refusal(key.address, message, signature),
        pool.refusal(key.address, `${message}!`, signature),
        pool.refusal(stranger.address, message, signature),
      ]);
    });
    for (const answer of await Promise.all(checks))
      expect(answer).toEqual([undefined, 'Signature mismatch', 'Signature mismatch']);
  });

  it('fails later checks once closed', async () => {
    const closing = await Sr25519VerifierPool.start({ threads: 1 });
    await closing.close();
    const key = Sr25519Hotkey.generate();
    await expect(closing.refusal(key.address, 'm', key.sign('m'))).rejects.toThrow(/closed/);
  });
});
