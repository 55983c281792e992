import { createPublicKey, verify as rawVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidAddressError } from '../errors.js';
import { addressFromPublicKey } from './address.js';
import { Hotkey, verifyingKeyOf, verifySignature } from './hotkey.js';
import { weakKeyReason } from './public-key-check.js';

const bytes = (...head: number[]) =>
  Uint8Array.from([...head, ...new Array<number>(32 - head.length).fill(0)]);
// Little-endian field elements; the top byte's high bit is x's sign.
const P = Uint8Array.from([0xed, ...new Array<number>(30).fill(0xff), 0x7f]); // p itself: y = 0 again
const identity = bytes(1);
const orderTwo = Uint8Array.from([0xec, ...new Array<number>(30).fill(0xff), 0x7f]); // y = -1
const identityNonCanonical = Uint8Array.from([0xee, ...new Array<number>(30).fill(0xff), 0x7f]); // y = p + 1

describe('weak ed25519 keys', () => {
  it('accepts real keys', () => {
    for (let i = 0; i < 20; i += 1)
      expect(weakKeyReason(Hotkey.generate().publicKey)).toBeUndefined();
  });

  it.each([
    ['the identity point', identity, /small-order/],
    ['the point of order two', orderTwo, /small-order/],
    ['a non-canonical encoding of the identity (y = p + 1)', identityNonCanonical, /canonical/],
    ['y = p', P, /canonical/],
    [
      'the identity with the sign bit set (-0)',
      bytes(1, ...new Array<number>(30).fill(0), 0x80),
      /canonical|small-order/,
    ],
  ])('refuses %s', (_label, key, reason) => {
    expect(weakKeyReason(key)).toMatch(reason);
  });

  it('refuses a key with a small-order component, which no real secret gives', async () => {
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const real = ed25519.Point.fromBytes(Hotkey.generate().publicKey);
    const torsion = ed25519.Point.fromBytes(orderTwo);
    expect(weakKeyReason(real.add(torsion).toBytes())).toMatch(/small-order component/);
  });

  it('stops the forgery that OpenSSL alone accepts: any message "signed" for the identity key', () => {
    const message = Buffer.from('pay 1000 to the attacker');
    const forged = Uint8Array.from([1, ...new Array<number>(63).fill(0)]); // R = identity, S = 0
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity]);
    const openssl = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    // The attack works against a bare verify...
    expect(rawVerify(null, message, openssl, forged)).toBe(true);
    // ...and not against ours.
    const address = addressFromPublicKey(identity);
    expect(verifySignature(address, message, forged)).toBe(false);
    expect(() => verifyingKeyOf(address)).toThrow(InvalidAddressError);
    try {
      verifyingKeyOf(address);
    } catch (error) {
      expect((error as InvalidAddressError).reason).toBe('weak_key');
    }
  });
});
