import { u8aToHex } from '@polkadot/util';
import {
  cryptoWaitReady,
  signatureVerify,
  sr25519PairFromSeed,
  sr25519Sign,
} from '@polkadot/util-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { WireReply } from '../http/wire-request.js';
import {
  createEpistulaHandler,
  epistulaHeaders,
  epistulaMessage,
  epistulaSign,
  epistulaVerify,
} from './epistula.js';
import { Sr25519Hotkey } from './sr25519.js';

// Epistula v2 as its reference implementation describes it: headers
// Epistula-{Version,Timestamp,Uuid,Signed-By,Signed-For,Request-Signature},
// the signature sr25519 over `sha256(body).hex.uuid.timestamp.signed_for`
// (substrate-interface's `Keypair.sign` of that text's UTF-8).

const validatorSeed = new Uint8Array(32).fill(2);
const validator = Sr25519Hotkey.fromSeed(validatorSeed);
const miner = Sr25519Hotkey.fromSeed(new Uint8Array(32).fill(5));
const body = Buffer.from(JSON.stringify({ prompt: 'hi', n: 1 }));
const NOW = 1_796_583_433_785;

const lookup = (headers: Record<string, string>) => {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return (name: string) => lower.get(name);
};
const refusal = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof WireReply) return { status: error.status, code: error.code };
    throw error;
  }
  return undefined;
};

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('Epistula, against another implementation of its description', () => {
  it('verifies headers signed by @polkadot/util-crypto (wasm schnorrkel), as a Python sender makes them', () => {
    const uuid = '0b8f5e2a-6b1c-4c55-9d7e-3f2a1b0c9d8e';
    const timestamp = String(NOW);
    const message = epistulaMessage(body, uuid, timestamp, miner.address);
    const pair = sr25519PairFromSeed(validatorSeed);
    const headers = {
      'Epistula-Version': '2',
      'Epistula-Timestamp': timestamp,
      'Epistula-Uuid': uuid,
      'Epistula-Signed-By': validator.address,
      'Epistula-Signed-For': miner.address,
      'Epistula-Request-Signature': u8aToHex(sr25519Sign(new TextEncoder().encode(message), pair)),
    };
    expect(
      epistulaVerify(lookup(headers), body, { receiver: miner.address, now: NOW + 1_000 }),
    ).toEqual({ signedBy: validator.address, uuid, timestamp: NOW });
  });

  it('signs what @polkadot/util-crypto verifies', () => {
    const headers = epistulaSign(validator, body, { signedFor: miner.address, now: NOW });
    const message = epistulaMessage(
      body,
      headers[epistulaHeaders.uuid] as string,
      String(NOW),
      miner.address,
    );
    const verified = signatureVerify(
      message,
      headers[epistulaHeaders.signature] as string,
      validator.address,
    );
    expect(verified).toMatchObject({ isValid: true, crypto: 'sr25519' });
  });
});

describe('Epistula refusals', () => {
  const signed = (change: { now?: number; signedFor?: string } = {}) =>
    epistulaSign(validator, body, {
      signedFor: change.signedFor ?? miner.address,
      now: change.now ?? NOW,
    });
  const verify = (headers: Record<string, string>, sent = body) =>
    refusal(() => epistulaVerify(lookup(headers), sent, { receiver: miner.address, now: NOW }));

  it('refuses a stale request, one from the future, and one signed for someone else or for nobody', () => {
    expect(verify(signed({ now: NOW - 9_000 }))).toMatchObject({ code: 'MT_WIRE_EPISTULA_STALE' });
    expect(verify(signed({ now: NOW + 60_000 }))).toMatchObject({
      code: 'MT_WIRE_EPISTULA_FUTURE',
    });
    expect(verify(signed({ signedFor: validator.address }))).toMatchObject({
      code: 'MT_WIRE_EPISTULA_NOT_FOR_US',
    });
    const forNobody = epistulaSign(validator, body, { now: NOW });
    expect(verify(forNobody)).toMatchObject({ status: 401, code: 'MT_WIRE_EPISTULA_NOT_FOR_US' });
  });

  it('refuses a changed body, a forged signer, a wrong version', () => {
    expect(verify(signed(), Buffer.from('{"prompt":"ho"}'))).toMatchObject({
      code: 'MT_WIRE_EPISTULA_SIGNATURE',
    });
    expect(verify({ ...signed(), [epistulaHeaders.signedBy]: miner.address })).toMatchObject({
      status: 401,
    });
    expect(verify({ ...signed(), [epistulaHeaders.version]: '1' })).toMatchObject({ status: 400 });
    const { [epistulaHeaders.signature]: _, ...unsigned } = signed();
    expect(verify(unsigned)).toMatchObject({ code: 'MT_WIRE_EPISTULA_UNSIGNED' });
  });
});

describe('createEpistulaHandler', () => {
  it('serves a signed request on the shared carrier, and refuses its replay', async () => {
    const handler = createEpistulaHandler({
      hotkey: miner,
      routes: { '/echo': (received, { signedBy }) => ({ received, signedBy }) },
    });
    const server = await handler.serve();
    try {
      const headers = {
        ...epistulaSign(validator, body, { signedFor: miner.address }),
        'content-type': 'application/json',
      };
      const first = await fetch(`${server.url}/echo`, { method: 'POST', headers, body });
      expect(first.status).toBe(200);
      expect(await first.json()).toEqual({
        received: { prompt: 'hi', n: 1 },
        signedBy: validator.address,
      });
      const again = await fetch(`${server.url}/echo`, { method: 'POST', headers, body });
      expect(again.status).toBe(401);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe(
        'MT_WIRE_NONCE_REPLAYED',
      );
    } finally {
      await server.close();
    }
  });
});
