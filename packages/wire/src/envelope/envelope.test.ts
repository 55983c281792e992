import { describe, expect, it } from 'vitest';
import { EnvelopeRejectedError, type EnvelopeRejectionCode } from '../errors.js';
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
      deadline: now + 5_000,
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
      deadline: now + 5_000,
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
      { [envelopeHeaders.version]: '1' },
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
        deadline: now + 5_000,
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

  it('refuses a request without a deadline, and binds the deadline into the signature', () => {
    expect(rejection(() => check(signed({ [envelopeHeaders.deadline]: undefined })))).toBe(
      'MT_WIRE_MALFORMED_HEADER',
    );
    expect(
      rejection(() => check(signed({ [envelopeHeaders.deadline]: String(now + 99_999) }))),
    ).toBe('MT_WIRE_SIGNATURE_INVALID');
    expect(check(signed()).deadline).toBe(now + 5_000);
  });
});

describe('ReplayGuard', () => {
  it('accepts a nonce once, per sender', () => {
    const guard = new ReplayGuard({ ttlMs: 60_000 });
    guard.remember('a', 'n1');
    expect(() => guard.remember('a', 'n1')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_NONCE_REPLAYED' }),
    );
    expect(() => guard.remember('b', 'n1')).not.toThrow();
  });

  it('gives each sender its own share, and refuses, rather than forgets, when it is full', () => {
    const guard = new ReplayGuard({ ttlMs: 60_000, perSenderCapacity: 100 });
    for (let i = 0; i < 100; i += 1) guard.remember('a', `nonce-${i}`);
    expect(() => guard.remember('a', 'one-more')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_REPLAY_CACHE_FULL', httpStatus: 503 }),
    );
    expect(() => guard.remember('a', 'nonce-0')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_NONCE_REPLAYED' }),
    );
    // Another sender is untouched by the first one's flood.
    expect(() => guard.remember('b', 'nonce-0')).not.toThrow();
    expect(guard.size).toBe(101);
  });

  it('bounds the number of senders, and makes room as their nonces expire', () => {
    // lru-cache reads a time of 0 as "never set", so the test clock starts later.
    let clock = 10_000;
    const guard = new ReplayGuard({ ttlMs: 1_000, maxSenders: 2, now: () => clock });
    guard.remember('a', 'n');
    guard.remember('b', 'n');
    expect(() => guard.remember('c', 'n')).toThrow(
      expect.objectContaining({ code: 'MT_WIRE_REPLAY_CACHE_FULL' }),
    );
    clock += 1_001;
    expect(() => guard.remember('c', 'n')).not.toThrow();
    expect(guard.senders).toBe(1);
  });

  it('forgets a sender’s nonces once they expire, making room again', () => {
    let clock = 10_000;
    const guard = new ReplayGuard({ ttlMs: 20, perSenderCapacity: 10, now: () => clock });
    for (let i = 0; i < 10; i += 1) guard.remember('a', `n${i}`);
    clock += 40;
    expect(() => guard.remember('a', 'fresh')).not.toThrow();
    expect(guard.size).toBe(1);
  });
});
