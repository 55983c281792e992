import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CarriedServer } from '../http/http-carrier.js';
import { PyNumber, parsePythonJson } from './python-json.js';
import {
  axonCases,
  capturedAxon,
  Echo,
  keyOf,
  replay,
  requestCaptures,
  streaming,
} from './test-support/wire-vectors.js';
import { Sr25519VerifierPool } from './verifier-pool.js';

/**
 * What our axon answers to each step of the measured cases, where it differs
 * from Python's axon and why (the wire README lists the same). Every other
 * step must get Python's own status.
 */
const STRICTER: Record<string, { status: number[]; why: string }> = {
  empty_signature: { status: [401], why: 'an unsigned request is refused (bittensor#3392)' },
  no_signature_header: { status: [401], why: 'an unsigned request is refused (bittensor#3392)' },
  future_nonce_lockout: {
    status: [401, 200],
    why: 'a nonce an hour ahead is refused, so it cannot lock its sender out',
  },
  cross_party_lockout: {
    status: [401, 200],
    why: "an unsigned request cannot touch the victim's nonce memory",
  },
  tampered_body: { status: [400], why: 'a body that is not what was signed is a 400, not a 500' },
  hash_over_json_ints: { status: [400], why: 'a body hashed over JSON rather than Python types' },
  missing_required_field: { status: [400], why: 'a body without a required field is a 400' },
  missing_input_obj_header: {
    status: [200],
    why: 'the body is read for its fields; the dummy headers are not needed',
  },
  version_downgrade: { status: [401, 401], why: 'a version below 7.2.0 is refused' },
  no_version_header_stale_nonce: { status: [401], why: 'no version header is refused' },
  priority_timeout: {
    status: [200],
    why: "the captured axon's priority_fn raised for this key; ours serves it",
  },
  slow_handler_no_deadline: {
    status: [408],
    why: "the forward is bounded by the dendrite's timeout",
  },
  malformed_json_body: { status: [400], why: 'malformed JSON is a 400' },
  v1_small_nonce: { status: [401], why: 'a version below 7.2.0 is refused' },
  bad_timeout_header: { status: [400], why: 'a timeout that is not seconds is a 400' },
};

/** The `{"message"}` of an error answer, or the synapse of a success. */
const bodyOf = (answer: { body: Uint8Array }) =>
  parsePythonJson(Buffer.from(answer.body).toString());

describe('BittensorAxon, on the requests of the real Python dendrite', () => {
  it.each(requestCaptures.cases.filter((c) => c.id !== 'stream_echo'))(
    'answers $id so that the Python dendrite reads success and its outputs',
    async (capture) => {
      const pinned = BigInt(capture.pin_clock_ns);
      const axon = capturedAxon({ now: () => pinned });
      const answer = await replay(axon, capture.request);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers.bt_header_axon_status_code).toBe('200');
      const body = bodyOf(answer) as Map<string, unknown>;
      const axonInfo = body.get('axon') as Map<string, unknown>;
      expect(axonInfo.get('status_code')).toEqual(new PyNumber('200'));
      expect(axonInfo.get('status_message')).toBe('Success');
      const real = parsePythonJson(capture.real_axon_response.body) as Map<string, unknown>;
      // The same fields in the same order as the real axon's, the outputs included.
      expect([...body.keys()]).toEqual([...real.keys()]);
      for (const [field, value] of Object.entries(capture.python_dendrite_result.outputs))
        expect(body.get(field)).toBe(value);
      // The dendrite's nonce comes back exact, past 2^53.
      expect((body.get('dendrite') as Map<string, PyNumber>).get('nonce')?.lexeme).toBe(
        capture.nonce,
      );
    },
  );
});

describe('BittensorAxon streams a StreamingSynapse as the real axon does', () => {
  it('answers the captured stream request with the same chunks, every synapse header first', async () => {
    const { capture } = streaming;
    const pinned = BigInt(capture.pin_clock_ns);
    const answer = await replay(capturedAxon({ now: () => pinned }), capture.request);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/event-stream');
    expect(answer.headers.bt_header_axon_status_code).toBe('200');
    const chunks: string[] = [];
    for await (const chunk of answer.stream ?? []) chunks.push(Buffer.from(chunk).toString());
    expect(chunks).toEqual(capture.real_axon_response.chunks);
  });

  it('refuses a stream request signed by another key with an ordinary JSON 401', async () => {
    const refused = streaming.refused_stream_request;
    const sent = refused.request.headers.find(([n]) => n === 'bt_header_dendrite_nonce')?.[1];
    const answer = await replay(capturedAxon({ now: () => BigInt(sent ?? 0) }), refused.request);
    expect(answer.status).toBe(refused.response.status);
    expect(answer.stream).toBeUndefined();
    expect(answer.headers['content-type']).toBe('application/json');
  });
});

let pool: Sr25519VerifierPool;
beforeAll(async () => {
  pool = await Sr25519VerifierPool.start({ threads: 1 });
});
afterAll(() => pool.close());

describe.each([
  ['inline', () => ({})],
  ['on an Sr25519VerifierPool', () => ({ verifier: pool })],
])(
  "BittensorAxon, on the real axon's valid and tampered requests, verifying %s",
  (_how, verifying) => {
    it.each(axonCases.cases)('$id: $what', { timeout: 20_000 }, async (axonCase) => {
      let pinned = 0n;
      const axon = capturedAxon({ now: () => pinned, ...verifying() });
      const statuses: number[] = [];
      for (const step of axonCase.steps) {
        pinned = BigInt(step.sent_time_ns);
        const answer = await replay(axon, step.request);
        statuses.push(answer.status);
        const python = step.response;
        if (answer.status !== 200 && answer.status === python.status && python.status !== 422) {
          // The same refusal in Python's words, as far as its run-time values allow.
          const message = (bodyOf(answer) as Map<string, string>).get('message') ?? '';
          const pythonMessage = (JSON.parse(python.body) as { message: string }).message;
          expect(message.slice(0, 24)).toBe(pythonMessage.slice(0, 24));
        }
      }
      expect(statuses).toEqual(STRICTER[axonCase.id]?.status ?? axonCase.observed_status);
    });
  },
);

describe('BittensorAxon refuses what Python lets through', () => {
  const capture = requestCaptures.cases[0];
  if (!capture) throw new Error('no capture');
  const pinned = BigInt(capture.pin_clock_ns);
  const header = (name: string) => capture.request.headers.find(([n]) => n === name)?.[1] ?? '';

  /** The captured Echo request, re-signed by `role` after `change` to its headers and body. */
  const forged = (
    role: string,
    change: { nonce?: bigint; version?: string; text?: string; drop?: string } = {},
  ) => {
    const key = keyOf(role);
    const nonce = (change.nonce ?? pinned).toString();
    const text = change.text ?? 'hi';
    const body = capture.request.body
      .replace(capture.nonce, nonce)
      .replace('"text": "hi"', `"text": ${JSON.stringify(text)}`)
      .replaceAll(header('bt_header_dendrite_hotkey'), key.address);
    const hash = Echo.bodyHash(body);
    const uuid = header('bt_header_dendrite_uuid');
    const signature = key.sign(`${nonce}.${key.address}.${keyOf('axon').address}.${uuid}.${hash}`);
    const values: Record<string, string> = {
      timeout: '5.0',
      bt_header_dendrite_version: change.version ?? '10002000',
      bt_header_dendrite_nonce: nonce,
      bt_header_dendrite_uuid: uuid,
      bt_header_dendrite_hotkey: key.address,
      bt_header_dendrite_signature: signature,
      computed_body_hash: hash,
    };
    if (change.drop) delete values[change.drop];
    return { method: 'POST', path: '/Echo', headers: Object.entries(values), body };
  };

  it('a replay of a valid request is refused, and its first copy was served', async () => {
    const axon = capturedAxon({ now: () => pinned });
    const request = forged('dendrite');
    expect((await replay(axon, request)).status).toBe(200);
    const again = await replay(axon, request);
    expect(again.status).toBe(401);
    expect(Buffer.from(again.body).toString()).toMatch(/replay/);
  });

  it('a tampered copy that arrives first does not use up the genuine nonce', async () => {
    const axon = capturedAxon({ now: () => pinned });
    const request = forged('dendrite');
    const tampered = { ...request, body: request.body.replace('"text": "hi"', '"text": "HO"') };
    expect((await replay(axon, tampered)).status).toBe(400);
    expect((await replay(axon, request)).status).toBe(200);
  });

  it('a nonce an hour ahead is refused and locks nobody out', async () => {
    const axon = capturedAxon({ now: () => pinned });
    const ahead = await replay(axon, forged('dendrite', { nonce: pinned + 3_600_000_000_000n }));
    expect(ahead.status).toBe(401);
    expect(Buffer.from(ahead.body).toString()).toMatch(/in the future/);
    expect((await replay(axon, forged('dendrite'))).status).toBe(200);
  });

  it('a version below 7.2.0, or none, is refused even when signed', async () => {
    const axon = capturedAxon({ now: () => pinned });
    for (const change of [{ version: '710' }, { drop: 'bt_header_dendrite_version' }]) {
      const answer = await replay(axon, forged('dendrite', change));
      expect(answer.status).toBe(401);
      expect(Buffer.from(answer.body).toString()).toMatch(/below 7002000/);
    }
  });

  it('a request without a signature is refused (bittensor#3392)', async () => {
    const axon = capturedAxon({ now: () => pinned });
    const answer = await replay(axon, forged('dendrite', { drop: 'bt_header_dendrite_signature' }));
    expect(answer.status).toBe(401);
    expect(axon.metrics().replay.nonces).toBe(0);
  });

  it('touches the nonce memory only after the blacklist', async () => {
    const axon = capturedAxon({ now: () => pinned });
    const answer = await replay(axon, forged('blacklisted'));
    expect(answer.status).toBe(403);
    expect(JSON.parse(Buffer.from(answer.body).toString())).toEqual({
      message: 'Forbidden. Key is blacklisted: hotkey not registered.',
    });
    expect(axon.metrics().replay).toEqual({ senders: 0, nonces: 0 });
  });

  it('bounds the nonce memory per hotkey: one sender filling it is refused alone', async () => {
    const axon = capturedAxon({
      now: () => pinned,
      replay: { perSenderCapacity: 2 },
      rateLimit: { capacity: 100, refillPerSecond: 100 },
    });
    for (const offset of [0n, 1n]) {
      expect((await replay(axon, forged('dendrite', { nonce: pinned - offset }))).status).toBe(200);
    }
    expect((await replay(axon, forged('dendrite', { nonce: pinned - 2n }))).status).toBe(503);
    expect((await replay(axon, forged('other'))).status).toBe(200);
  });

  it("bounds the forward by the dendrite's timeout", async () => {
    const axon = capturedAxon({ now: () => pinned, maxTimeoutMs: 200 });
    const answer = await replay(axon, forged('dendrite', { text: 'sleep:30' }));
    expect(answer.status).toBe(408);
  });

  it('refuses an output of the wrong type as its own failure, never sending it', async () => {
    const { BittensorAxon, axonRoute } = await import('./axon.js');
    const axon = new BittensorAxon({
      hotkey: keyOf('axon'),
      now: () => pinned,
      routes: [axonRoute(Echo, () => ({ out: 5 as unknown as string }))],
    });
    const answer = await replay(axon, forged('dendrite'));
    expect(answer.status).toBe(500);
    expect(Buffer.from(answer.body).toString()).not.toMatch(/out/);
  });
});

describe('BittensorAxon on node:http', () => {
  const servers: CarriedServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('serves a captured Python request over loopback, headers in any case', async () => {
    const capture = requestCaptures.cases[0];
    if (!capture) throw new Error('no capture');
    const pinned = BigInt(capture.pin_clock_ns);
    const server = await capturedAxon({ now: () => pinned }).serve();
    servers.push(server);
    const headers = new Headers();
    for (const [name, value] of capture.request.headers)
      if (!['Host', 'Content-Length', 'Accept-Encoding'].includes(name))
        headers.set(name.replace(/^bt_header/, 'Bt_Header'), value);
    const response = await fetch(`${server.url}/Echo`, {
      method: 'POST',
      headers,
      body: capture.request.body,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('bt_header_axon_status_code')).toBe('200');
    const body = (await response.json()) as { out: string; axon: { status_code: number } };
    expect(body.out).toBe('HI');
    expect(body.axon.status_code).toBe(200);
  });

  it('refuses a body over its limit before reading it', async () => {
    const server = await capturedAxon({ bodyLimitBytes: 1024 }).serve();
    servers.push(server);
    const response = await fetch(`${server.url}/Echo`, {
      method: 'POST',
      body: 'x'.repeat(4096),
    });
    expect(response.status).toBe(413);
  });
});
