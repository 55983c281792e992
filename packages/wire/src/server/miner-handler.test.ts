import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { envelopeHeaders, taskPath } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { verifyEnvelope } from '../envelope/verify-envelope.js';
import { addressFromPublicKey } from '../keys/address.js';
import { Hotkey } from '../keys/hotkey.js';
import { type CarriedMiner, minerCarriers } from '../test-support/miner-carriers.js';
import { signedTaskHeaders } from '../test-support/signed-request.js';
import type { MinerServerOptions } from './miner-server.js';
import type { HandlerContext } from './task-stages.js';

const validator = Hotkey.generate();
const running: CarriedMiner[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((miner) => miner.close()));
});

const echo = {
  schema: z.object({ text: z.string() }),
  handle: (input: { text: string }) => ({ text: input.text.toUpperCase() }),
};

interface SendOptions {
  taskType?: string;
  body?: Buffer;
  /** Body actually sent, when it differs from the signed one. */
  sentBody?: Buffer;
  headers?: Record<string, string | undefined>;
  key?: Hotkey;
  receiver?: string;
  /** Time the miner has, from now, in ms. Default 10 s. */
  budgetMs?: number;
}

/** Waits until `condition` holds, so tests follow the server's state rather than guessing delays. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

const codeOf = (json: Record<string, unknown>) =>
  (json.error as { code?: string } | undefined)?.code;

/** A task body nested `depth` levels deep, as a hostile validator would send it. */
function nested(depth: number): Buffer {
  return Buffer.from(`{"text":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`);
}

/** An ed25519 key of small order (the identity point): anyone can "sign" for it. */
const smallOrderAddress = addressFromPublicKey(
  Uint8Array.from([1, ...new Array<number>(31).fill(0)]),
);

// One suite, run against every carrier of the handler: what it answers must
// not depend on whether a socket is involved.
describe.each(Object.entries(minerCarriers))('miner handler over %s', (_name, carry) => {
  async function start(options: Partial<MinerServerOptions> = {}) {
    const miner = Hotkey.generate();
    const carried = await carry({ hotkey: miner, handlers: { echo }, ...options });
    running.push(carried);
    return { server: carried, miner };
  }

  /** Sends a signed request by hand, so tests can break any part of it. */
  async function send(server: CarriedMiner, miner: Hotkey, options: SendOptions = {}) {
    const taskType = options.taskType ?? 'echo';
    const body = options.body ?? Buffer.from(JSON.stringify({ text: 'hi' }));
    const signed = signEnvelope({
      key: options.key ?? validator,
      kind: 'request',
      target: `POST ${taskPath(taskType)}`,
      receiver: options.receiver ?? miner.address,
      body,
      deadline: Date.now() + (options.budgetMs ?? 10_000),
    });
    const headers = Object.fromEntries(
      Object.entries({ ...signed, 'content-type': 'application/json', ...options.headers }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const response = await server.send(taskPath(taskType), {
      method: 'POST',
      headers,
      body: options.sentBody ?? body,
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    return {
      response,
      bytes,
      json: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>,
      nonce: signed[envelopeHeaders.nonce] ?? '',
    };
  }

  it('answers a signed request with a signed response bound to it', async () => {
    const { server, miner } = await start();
    const { response, bytes, json, nonce } = await send(server, miner);
    expect(response.status).toBe(200);
    expect(json).toEqual({ result: { text: 'HI' } });
    const check = (requestNonce: string) =>
      verifyEnvelope({
        header: (name) => response.headers.get(name),
        body: bytes,
        kind: 'response',
        target: `POST ${taskPath('echo')}`,
        receiver: validator.address,
        sender: miner.address,
        requestNonce,
        windowMs: 30_000,
      });
    expect(check(nonce).sender).toBe(miner.address);
    // The same response does not verify as the answer to another request.
    expect(() => check('0'.repeat(32))).toThrow(/signature/);
  });

  it.each<[string, (miner: Hotkey) => SendOptions, number, string]>([
    [
      'an empty signature (accepted by Bittensor v10.2)',
      () => ({ headers: { [envelopeHeaders.signature]: '' } }),
      401,
      'MT_WIRE_SIGNATURE_MISSING',
    ],
    [
      'no signature',
      () => ({ headers: { [envelopeHeaders.signature]: undefined } }),
      401,
      'MT_WIRE_SIGNATURE_MISSING',
    ],
    [
      'a body changed after signing',
      () => ({ sentBody: Buffer.from('{"text":"HA"}') }),
      401,
      'MT_WIRE_BODY_TAMPERED',
    ],
    [
      'a request for another miner',
      () => ({ receiver: Hotkey.generate().address }),
      421,
      'MT_WIRE_WRONG_RECEIVER',
    ],
    [
      'a stale timestamp',
      () => ({ headers: { [envelopeHeaders.timestamp]: String(Date.now() - 120_000) } }),
      401,
      'MT_WIRE_TIMESTAMP_OUT_OF_WINDOW',
    ],
    [
      'an unknown protocol version',
      () => ({ headers: { [envelopeHeaders.version]: '7' } }),
      400,
      'MT_WIRE_UNSUPPORTED_VERSION',
    ],
    [
      'a forged sender',
      () => ({ headers: { [envelopeHeaders.sender]: Hotkey.generate().address } }),
      401,
      'MT_WIRE_SIGNATURE_INVALID',
    ],
    [
      'a deadline stretched after signing',
      () => ({ headers: { [envelopeHeaders.deadline]: String(Date.now() + 3_600_000) } }),
      401,
      'MT_WIRE_SIGNATURE_INVALID',
    ],
    [
      'no deadline',
      () => ({ headers: { [envelopeHeaders.deadline]: undefined } }),
      400,
      'MT_WIRE_MALFORMED_HEADER',
    ],
    [
      // For the identity point, R = identity and S = 0 satisfy the verification equation.
      'a small-order sender key, "signed" without any secret',
      () => ({
        headers: {
          [envelopeHeaders.sender]: smallOrderAddress,
          [envelopeHeaders.signature]: Buffer.from([1, ...new Array<number>(63).fill(0)]).toString(
            'base64',
          ),
        },
      }),
      400,
      'MT_WIRE_WEAK_KEY',
    ],
    ['a deadline already past', () => ({ budgetMs: -1 }), 504, 'MT_WIRE_DEADLINE_EXCEEDED'],
    ['malformed JSON', () => ({ body: Buffer.from('{"text": ') }), 400, 'MT_WIRE_MALFORMED_JSON'],
    ['JSON nested 100 deep', () => ({ body: nested(100) }), 400, 'MT_WIRE_JSON_TOO_DEEP'],
    ['JSON nested 100,000 deep', () => ({ body: nested(100_000) }), 400, 'MT_WIRE_JSON_TOO_DEEP'],
    [
      'input that breaks the schema',
      () => ({ body: Buffer.from('{"text": 5}') }),
      422,
      'MT_WIRE_INVALID_INPUT',
    ],
    ['an unknown task type', () => ({ taskType: 'translate' }), 404, 'MT_WIRE_UNKNOWN_TASK_TYPE'],
  ])('refuses %s with a typed error and status', async (_label, build, status, code) => {
    const { server, miner } = await start({ bodyLimitBytes: 512 * 1024 });
    const { response, json } = await send(server, miner, build(miner));
    expect(response.status).toBe(status);
    expect(codeOf(json)).toBe(code);
  });

  it('refuses a replayed request', async () => {
    const { server, miner } = await start();
    const body = Buffer.from('{"text":"once"}');
    const headers = signedTaskHeaders(validator, miner.address, body);
    const post = () => server.send(taskPath('echo'), { method: 'POST', headers, body });
    expect((await post()).status).toBe(200);
    const replay = await post();
    expect(replay.status).toBe(409);
    expect(codeOf((await replay.json()) as Record<string, unknown>)).toBe('MT_WIRE_NONCE_REPLAYED');
  });

  it('refuses an oversize body with 413', async () => {
    const { server, miner } = await start({ bodyLimitBytes: 1024 });
    const big = Buffer.from(JSON.stringify({ text: 'x'.repeat(5_000) }));
    const { response, json } = await send(server, miner, { body: big });
    expect(response.status).toBe(413);
    expect(codeOf(json)).toBe('MT_WIRE_BODY_TOO_LARGE');
  });

  it('runs the blacklist only on verified senders (Bittensor ran it on claimed ones)', async () => {
    const blacklist = vi.fn((sender: string) =>
      sender === validator.address ? 'validator is banned' : undefined,
    );
    const { server, miner } = await start({ blacklist });
    const impostor = Hotkey.generate();
    const forged = await send(server, miner, {
      headers: { [envelopeHeaders.sender]: impostor.address },
    });
    expect(forged.response.status).toBe(401);
    expect(blacklist).not.toHaveBeenCalled();
    const banned = await send(server, miner);
    expect(banned.response.status).toBe(403);
    expect(banned.json.error).toEqual({
      code: 'MT_WIRE_BLACKLISTED',
      message: 'validator is banned',
    });
    expect(blacklist).toHaveBeenCalledWith(validator.address, 'echo');
    const other = await send(server, miner, { key: impostor });
    expect(other.response.status).toBe(200);
  });

  it('keeps refused senders out of the replay memory, so they cannot fill it for others', async () => {
    const honest = Hotkey.generate();
    const { server, miner } = await start({
      blacklist: (sender) => sender !== honest.address,
      replay: { perSenderCapacity: 5, maxSenders: 2 },
    });
    // The attack: many blacklisted keys, each sending validly signed requests.
    for (let i = 0; i < 40; i += 1) {
      const { response } = await send(server, miner, { key: Hotkey.generate() });
      expect(response.status).toBe(403);
    }
    expect(server.metrics().replay).toEqual({ senders: 0, nonces: 0 });
    expect((await send(server, miner, { key: honest })).response.status).toBe(200);
    expect(server.metrics().replay).toEqual({ senders: 1, nonces: 1 });
  });

  it('bounds the replay memory per sender: a sender over its share is refused alone', async () => {
    const greedy = Hotkey.generate();
    const { server, miner } = await start({
      replay: { perSenderCapacity: 3 },
      rateLimit: { capacity: 100, refillPerSecond: 100 },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1)
      statuses.push((await send(server, miner, { key: greedy })).response.status);
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    expect((await send(server, miner)).response.status).toBe(200);
  });

  it('limits each sender to its token bucket, with Retry-After', async () => {
    const { server, miner } = await start({ rateLimit: { capacity: 3, refillPerSecond: 0.5 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await send(server, miner)).response.status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await send(server, miner);
    expect(limited.response.headers.get('retry-after')).toBe('2');
    expect((await send(server, miner, { key: Hotkey.generate() })).response.status).toBe(200);
  });

  it('serves higher priority first (Bittensor’s priority did not order work)', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const vip = Hotkey.generate();
    const { server, miner } = await start({
      concurrency: 1,
      priority: (sender) => (sender === vip.address ? 10 : 0),
      rateLimit: { capacity: 100, refillPerSecond: 100 },
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (input: { text: string }) => {
            if (input.text === 'first') await gate;
            order.push(input.text);
            return { text: input.text };
          },
        },
      },
    });
    const message = (text: string) => Buffer.from(JSON.stringify({ text }));
    const first = send(server, miner, { body: message('first') });
    await until(() => server.metrics().queue.running === 1);
    const low = send(server, miner, { body: message('low') });
    await until(() => server.metrics().queue.waiting === 1);
    const high = send(server, miner, { key: vip, body: message('high') });
    await until(() => server.metrics().queue.waiting === 2);
    release();
    await Promise.all([first, low, high]);
    expect(order).toEqual(['first', 'high', 'low']);
  });

  it('answers 429 past the queue bound', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { server, miner } = await start({
      concurrency: 1,
      maxQueue: 2,
      rateLimit: { capacity: 100, refillPerSecond: 100 },
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async () => gate.then(() => ({ ok: true })),
        },
      },
    });
    const pending = [send(server, miner), send(server, miner), send(server, miner)];
    await until(() => server.metrics().queue.running === 1 && server.metrics().queue.waiting === 2);
    const overflow = await send(server, miner);
    expect(overflow.response.status).toBe(429);
    expect(codeOf(overflow.json)).toBe('MT_WIRE_QUEUE_FULL');
    release();
    expect((await Promise.all(pending)).map((r) => r.response.status)).toEqual([200, 200, 200]);
  });

  it('caps each sender’s tasks in flight, so small keys cannot starve a large validator', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    const large = Hotkey.generate();
    const small = Array.from({ length: 10 }, () => Hotkey.generate());
    const { server, miner } = await start({
      concurrency: 1,
      maxTasksPerSender: 2,
      priority: (sender) => (sender === large.address ? 3_000 : 1),
      rateLimit: { capacity: 100, refillPerSecond: 100 },
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (input: { text: string }) => {
            await gate;
            order.push(input.text);
            return { text: input.text };
          },
        },
      },
    });
    const message = (text: string) => Buffer.from(JSON.stringify({ text }));
    // Ten small keys each try five tasks: two each are taken, the rest refused at once.
    let refused = 0;
    const flood = small.flatMap((key, k) =>
      Array.from({ length: 5 }, (_, i) =>
        send(server, miner, { key, body: message(`s${k}.${i}`) }).then((answer) => {
          if (answer.response.status === 429) refused += 1;
          return answer;
        }),
      ),
    );
    // Every request has its slot or its refusal before any slot frees up.
    await until(
      () =>
        server.metrics().queue.running + server.metrics().queue.waiting === 20 && refused === 30,
    );
    const honest = send(server, miner, { key: large, body: message('large') });
    await until(() => server.metrics().queue.waiting === 20);
    release();
    const answers = await Promise.all(flood);
    const statuses = answers.map((a) => a.response.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    const busy = answers.filter((a) => a.response.status === 429);
    expect(busy).toHaveLength(30);
    for (const refused of busy) expect(codeOf(refused.json)).toBe('MT_WIRE_SENDER_BUSY');
    expect((await honest).response.status).toBe(200);
    // Only the task already running when it arrived went before the large validator's.
    expect(order.indexOf('large')).toBe(1);
  });

  it('aborts a handler at its signed deadline with 504', async () => {
    let seen: HandlerContext | undefined;
    const { server, miner } = await start({
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (_input: unknown, context) => {
            seen = context;
            await sleep(30_000, undefined, { signal: context.signal }).catch(() => undefined);
            return { late: true };
          },
        },
      },
    });
    // The budget leaves room for a loaded CI machine to verify the request
    // before the deadline; a budget spent before the handler starts is the
    // queued-task case, tested below.
    const sent = Date.now();
    const { response, json } = await send(server, miner, { budgetMs: 1_000 });
    expect(response.status).toBe(504);
    expect(codeOf(json)).toBe('MT_WIRE_DEADLINE_EXCEEDED');
    expect(seen?.signal.aborted).toBe(true);
    expect(seen?.deadline).toBeGreaterThanOrEqual(sent + 1_000);
    expect(seen?.deadline).toBeLessThan(sent + 10_000);
  });

  it('caps a validator’s deadline at maxTaskMs', async () => {
    let deadline = 0;
    const { server, miner } = await start({
      maxTaskMs: 1_000,
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: (_input: unknown, context) => {
            deadline = context.deadline;
            return { ok: true };
          },
        },
      },
    });
    const sent = Date.now();
    expect((await send(server, miner, { budgetMs: 3_600_000 })).response.status).toBe(200);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 1_000);
    expect(deadline).toBeGreaterThanOrEqual(sent + 900);
  });

  it('survives a flood of short-deadline tasks: abandoned work stops and an honest task is served', async () => {
    // The attack: sixty tasks whose deadline is over almost at once, on a
    // miner with one slot. Work nobody waits for must stop (the handler
    // honours its signal), and tasks still queued at their deadline must never start.
    let started = 0;
    let busy = 0;
    let mostBusy = 0;
    const { server, miner } = await start({
      concurrency: 1,
      rateLimit: { capacity: 1_000, refillPerSecond: 1_000 },
      // One sender floods here; the cap per sender is another test's.
      maxTasksPerSender: 100,
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (input: { text: string }, context) => {
            started += 1;
            busy += 1;
            mostBusy = Math.max(mostBusy, busy);
            try {
              await sleep(input.text === 'honest' ? 10 : 60_000, undefined, {
                signal: context.signal,
              });
              return { text: input.text };
            } finally {
              busy -= 1;
            }
          },
        },
      },
    });
    const attacker = Hotkey.generate();
    const flood = Array.from({ length: 60 }, () =>
      send(server, miner, { key: attacker, budgetMs: 30 }),
    );
    const flooded = await Promise.all(flood);
    expect(flooded.every((r) => r.response.status === 504)).toBe(true);
    // Those that started were stopped at their deadline (each slot is freed at
    // once; its work unwinds a moment later), and nothing is left running.
    expect(started).toBeLessThan(60);
    expect(mostBusy).toBeLessThanOrEqual(2);
    await until(() => busy === 0);
    // A 200 within its own deadline is the claim: the flood left no slot taken.
    const honest = await send(server, miner, {
      body: Buffer.from('{"text":"honest"}'),
      budgetMs: 5_000,
    });
    expect(honest.response.status).toBe(200);
    expect(server.metrics().queue).toEqual({ waiting: 0, running: 0 });
  });

  it('reports health and metrics', async () => {
    const { server, miner } = await start();
    await send(server, miner);
    await send(server, miner, { headers: { [envelopeHeaders.signature]: '' } });
    const health = (await (await server.send('/health', { method: 'GET' })).json()) as Record<
      string,
      unknown
    >;
    expect(health).toMatchObject({ status: 'ok', address: miner.address, taskTypes: ['echo'] });
    const metrics = server.metrics();
    expect(metrics.responses).toMatchObject({ '200': 1, '401': 1 });
    expect(metrics.latency.count).toBe(1);
  });

  it('serves unsigned routes given as web-standard handlers, and 404 for others', async () => {
    const { server } = await start({
      routes: {
        'GET /metrics': () => new Response('up 1\n', { headers: { 'content-type': 'text/plain' } }),
      },
    });
    const page = await server.send('/metrics', { method: 'GET' });
    expect(await page.text()).toBe('up 1\n');
    expect((await server.send('/nothing', { method: 'GET' })).status).toBe(404);
  });

  it('does not mistake inherited object keys for task types', async () => {
    const { server, miner } = await start();
    for (const taskType of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const { response, json } = await send(server, miner, { taskType });
      expect(response.status, taskType).toBe(404);
      expect(codeOf(json)).toBe('MT_WIRE_UNKNOWN_TASK_TYPE');
    }
  });
});
