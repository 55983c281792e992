import { describe, expect, it } from 'vitest';
import { EnvelopeRejectedError, type EnvelopeRejectionCode } from '../../errors.js';
import { Hotkey } from '../keys/hotkey.js';
import { envelopeHeaders } from './headers.js';
import { ReplayGuard } from './replay-guard.js';
import { signEnvelope } from './sign-envelope.js';
import { type VerifyEnvelopeInput, verifyEnvelope } from './verify-envelope.js';

const validator = Hotkey.generate();
const miner = Hotkey.generate();
const target = 'POST /v1/tasks/echo';
const body = Buffer.from('{"text":"hello"}');
const now = 1_800_000_000_000;

function signed(overrides: Record<string, string | undefined> = {}) {
  const headers: Record<string, string | undefined> = {
    ...signEnvelope({
      key: validator,
      kind: 'request',
      target,
      receiver: miner.address,
      body,
      now,
    }),
    ...overrides,
  };
  return headers;
}

function check(
  headers: Record<string, string | undefined>,
  input: Partial<VerifyEnvelopeInput> = {},
) {
  return verifyEnvelope({
    header: (name) => headers[name],
    body,
    kind: 'request',
    target,
    receiver: miner.address,
    windowMs: 30_000,
    now,
    ...input,
  });
}

function rejection(run: () => unknown): EnvelopeRejectionCode | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (!EnvelopeRejectedError.isInstance(error)) throw error;
    return error.code;
  }
}

describe('signed envelope', () => {
  it('accepts an envelope signed for this receiver and reports its sender', () => {
    const headers = signed();
    expect(check(headers)).toEqual({
      sender: validator.address,
      nonce: headers[envelopeHeaders.nonce],
      timestamp: now,
    });
  });

  it.each<
    [
      string,
      Record<string, string | undefined>,
      Partial<VerifyEnvelopeInput>,
      EnvelopeRejectionCode,
    ]
  >([
    [
      'a missing signature',
      { [envelopeHeaders.signature]: undefined },
      {},
      'MT_WIRE_SIGNATURE_MISSING',
    ],
    [
      'an empty signature (Bittensor accepted this)',
      { [envelopeHeaders.signature]: '' },
      {},
      'MT_WIRE_SIGNATURE_MISSING',
    ],
    ['a blank signature', { [envelopeHeaders.signature]: '   ' }, {}, 'MT_WIRE_SIGNATURE_MISSING'],
    ['another receiver', {}, { receiver: Hotkey.generate().address }, 'MT_WIRE_WRONG_RECEIVER'],
    ['a timestamp past the window', {}, { now: now + 30_001 }, 'MT_WIRE_TIMESTAMP_OUT_OF_WINDOW'],
    ['a timestamp from the future', {}, { now: now - 30_001 }, 'MT_WIRE_TIMESTAMP_OUT_OF_WINDOW'],
    ['a tampered body', {}, { body: Buffer.from('{"text":"HELLO"}') }, 'MT_WIRE_BODY_TAMPERED'],
    [
      'an unknown protocol version',
      { [envelopeHeaders.version]: '2' },
      {},
      'MT_WIRE_UNSUPPORTED_VERSION',
    ],
    [
      'no protocol version',
      { [envelopeHeaders.version]: undefined },
      {},
      'MT_WIRE_UNSUPPORTED_VERSION',
    ],
    [
      'a forged sender',
      { [envelopeHeaders.sender]: Hotkey.generate().address },
      {},
      'MT_WIRE_SIGNATURE_INVALID',
    ],
    ['a garbled sender', { [envelopeHeaders.sender]: 'mtnope' }, {}, 'MT_WIRE_MALFORMED_HEADER'],
    ['another route', {}, { target: 'POST /v1/tasks/other' }, 'MT_WIRE_SIGNATURE_INVALID'],
    ['a request passed off as a response', {}, { kind: 'response' }, 'MT_WIRE_SIGNATURE_INVALID'],
    [
      'a body hash that was re-computed for a new body',
      {},
      { body: Buffer.from('{}') },
      'MT_WIRE_BODY_TAMPERED',
    ],
  ])('rejects %s', (_label, overrides, input, code) => {
    expect(rejection(() => check(signed(overrides), input))).toBe(code);
  });

  it('rejects a body hash swapped to match a tampered body, because the hash is signed', () => {
    const tampered = Buffer.from('{"text":"pwned"}');
    const headers = signed({
      [envelopeHeaders.bodyHash]: signEnvelope({
        key: validator,
        kind: 'request',
        target,
        receiver: miner.address,
        body: tampered,
        now,
      })[envelopeHeaders.bodyHash],
    });
    expect(rejection(() => check(headers, { body: tampered }))).toBe('MT_WIRE_SIGNATURE_INVALID');
  });

  it('maps each rejection to an HTTP status', () => {
    const statusOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as EnvelopeRejectedError).httpStatus;
      }
      return 200;
    };
    expect(statusOf(() => check(signed({ [envelopeHeaders.signature]: '' })))).toBe(401);
    expect(statusOf(() => check(signed(), { receiver: validator.address }))).toBe(421);
    expect(statusOf(() => check(signed({ [envelopeHeaders.version]: '9' })))).toBe(400);
  });

  it('accepts a nonce once, per sender', () => {
    const guard = new ReplayGuard({ ttlMs: 60_000 });
    const headers = signed();
    check(headers, { replayGuard: guard });
    expect(rejection(() => check(headers, { replayGuard: guard }))).toBe('MT_WIRE_NONCE_REPLAYED');
    expect(rejection(() => check(signed(), { replayGuard: guard }))).toBe('accepted');
  });

  it('remembers nonces only after the signature checks out, so forgeries cannot fill it', () => {
    const guard = new ReplayGuard({ ttlMs: 60_000 });
    for (let i = 0; i < 50; i += 1) {
      rejection(() =>
        check(signed({ [envelopeHeaders.sender]: Hotkey.generate().address }), {
          replayGuard: guard,
        }),
      );
    }
    expect(guard.size).toBe(0);
  });
});

describe('ReplayGuard', () => {
  it('stays within its capacity and refuses, rather than forgets, when full', () => {
    const guard = new ReplayGuard({ ttlMs: 60_000, capacity: 100 });
    for (let i = 0; i < 100; i += 1) guard.remember('a', `nonce-${i}`);
    expect(guard.size).toBe(100);
    expect(() => guard.remember('a', 'one-more')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_REPLAY_CACHE_FULL', httpStatus: 503 }),
    );
    expect(() => guard.remember('a', 'nonce-0')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_NONCE_REPLAYED' }),
    );
    expect(guard.size).toBe(100);
  });

  it('forgets nonces once they expire, making room again', async () => {
    const guard = new ReplayGuard({ ttlMs: 20, capacity: 10 });
    for (let i = 0; i < 10; i += 1) guard.remember('a', `n${i}`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(() => guard.remember('a', 'fresh')).not.toThrow();
    expect(guard.size).toBe(1);
  });
});
