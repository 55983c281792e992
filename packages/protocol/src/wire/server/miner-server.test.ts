import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { envelopeHeaders } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { verifyEnvelope } from '../envelope/verify-envelope.js';
import { Hotkey } from '../keys/hotkey.js';
import {
  createMinerServer,
  type MinerServer,
  type MinerServerOptions,
  taskPath,
} from './miner-server.js';

const validator = Hotkey.generate();
const servers: MinerServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const echo = {
  schema: z.object({ text: z.string() }),
  handle: (input: { text: string }) => ({ text: input.text.toUpperCase() }),
};

async function start(
  options: Partial<MinerServerOptions> = {},
): Promise<{ server: MinerServer; miner: Hotkey }> {
  const miner = Hotkey.generate();
  const server = await createMinerServer({ hotkey: miner, handlers: { echo }, ...options });
  servers.push(server);
  return { server, miner };
}

interface SendOptions {
  taskType?: string;
  body?: Buffer;
  /** Body actually sent, when it differs from the signed one. */
  sentBody?: Buffer;
  headers?: Record<string, string | undefined>;
  key?: Hotkey;
  receiver?: string;
  signal?: AbortSignal;
}

/** Sends a signed request by hand, so tests can break any part of it. */
async function send(server: MinerServer, miner: Hotkey, options: SendOptions = {}) {
  const taskType = options.taskType ?? 'echo';
  const body = options.body ?? Buffer.from(JSON.stringify({ text: 'hi' }));
  const signed = signEnvelope({
    key: options.key ?? validator,
    kind: 'request',
    target: `POST ${taskPath(taskType)}`,
    receiver: options.receiver ?? miner.address,
    body,
  });
  const headers = Object.fromEntries(
    Object.entries({ ...signed, 'content-type': 'application/json', ...options.headers }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const response = await fetch(`${server.url}${taskPath(taskType)}`, {
    method: 'POST',
    headers,
    body: options.sentBody ?? body,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return {
    response,
    bytes,
    json: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>,
    nonce: signed[envelopeHeaders.nonce] ?? '',
  };
}

const codeOf = (json: Record<string, unknown>) =>
  (json.error as { code?: string } | undefined)?.code;

/** Waits until `condition` holds, so tests follow the server's state rather than guessing delays. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not reached in time');
    await sleep(5);
  }
}
describe('miner server', () => {
  it('answers a signed request with a signed response bound to it', async () => {
    const { server, miner } = await start();
    const { response, bytes, json, nonce } = await send(server, miner);
    expect(response.status).toBe(200);
    expect(json).toEqual({ result: { text: 'HI' } });
    const verified = verifyEnvelope({
      header: (name) => response.headers.get(name) ?? undefined,
      body: bytes,
      kind: 'response',
      target: `POST ${taskPath('echo')}`,
      receiver: validator.address,
      sender: miner.address,
      requestNonce: nonce,
      windowMs: 30_000,
    });
    expect(verified.sender).toBe(miner.address);
    // The same response does not verify as the answer to another request.
    expect(() =>
      verifyEnvelope({
        header: (name) => response.headers.get(name) ?? undefined,
        body: bytes,
        kind: 'response',
        target: `POST ${taskPath('echo')}`,
        receiver: validator.address,
        requestNonce: '0'.repeat(32),
        windowMs: 30_000,
      }),
    ).toThrow(/signature/);
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
    ['malformed JSON', () => ({ body: Buffer.from('{"text": ') }), 400, 'MT_WIRE_MALFORMED_JSON'],
    [
      'input that breaks the schema',
      () => ({ body: Buffer.from('{"text": 5}') }),
      422,
      'MT_WIRE_INVALID_INPUT',
    ],
    ['an unknown task type', () => ({ taskType: 'translate' }), 404, 'MT_WIRE_UNKNOWN_TASK_TYPE'],
  ])('refuses %s with a typed error and status', async (_label, build, status, code) => {
    const { server, miner } = await start();
    const { response, json } = await send(server, miner, build(miner));
    expect(response.status).toBe(status);
    expect(codeOf(json)).toBe(code);
  });

  it('refuses a replayed request', async () => {
    const { server, miner } = await start();
    const body = Buffer.from('{"text":"once"}');
    const headers = {
      ...signEnvelope({
        key: validator,
        kind: 'request',
        target: `POST ${taskPath('echo')}`,
        receiver: miner.address,
        body,
      }),
      'content-type': 'application/json',
    };
    const post = () => fetch(`${server.url}${taskPath('echo')}`, { method: 'POST', headers, body });
    expect((await post()).status).toBe(200);
    const replay = await post();
    expect(replay.status).toBe(409);
    expect(codeOf((await replay.json()) as Record<string, unknown>)).toBe('MT_WIRE_NONCE_REPLAYED');
  });

  it('refuses an oversize body with 413 before reading it', async () => {
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

  it('times out a slow handler with 504 and aborts its signal', async () => {
    let signal: AbortSignal | undefined;
    const { server, miner } = await start({
      handlerTimeoutMs: 50,
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (_input: unknown, context) => {
            signal = context.signal;
            await sleep(5_000, undefined, { signal: context.signal }).catch(() => undefined);
            return { late: true };
          },
        },
      },
    });
    const { response, json } = await send(server, miner);
    expect(response.status).toBe(504);
    expect(codeOf(json)).toBe('MT_WIRE_HANDLER_TIMEOUT');
    expect(signal?.aborted).toBe(true);
  });

  it('aborts the handler when the client disconnects', async () => {
    let aborted: () => void = () => undefined;
    const abortedSeen = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const { server, miner } = await start({
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: (_input: unknown, context) =>
            new Promise((resolve) => {
              context.signal.addEventListener('abort', () => {
                aborted();
                resolve({ gone: true });
              });
            }),
        },
      },
    });
    const body = Buffer.from('{"text":"bye"}');
    const headers = signEnvelope({
      key: validator,
      kind: 'request',
      target: `POST ${taskPath('echo')}`,
      receiver: miner.address,
      body,
    });
    const url = new URL(`${server.url}${taskPath('echo')}`);
    const request = httpRequest(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
    });
    request.on('error', () => undefined);
    request.end(body);
    await sleep(100);
    request.destroy();
    await expect(
      Promise.race([abortedSeen.then(() => 'aborted'), sleep(2_000, 'still running')]),
    ).resolves.toBe('aborted');
  });

  it('reports health and metrics', async () => {
    const { server, miner } = await start();
    await send(server, miner);
    await send(server, miner, { headers: { [envelopeHeaders.signature]: '' } });
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', address: miner.address, taskTypes: ['echo'] });
    const metrics = server.metrics();
    expect(metrics.responses).toMatchObject({ '200': 1, '401': 1 });
    expect(metrics.latency.count).toBe(1);
  });

  it('finishes requests in flight on close, then refuses new connections', async () => {
    const { server, miner } = await start({
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (input: { text: string }) => {
            await sleep(200);
            return { text: input.text };
          },
        },
      },
    });
    const inFlight = send(server, miner);
    await sleep(50);
    const closing = server.close();
    const { response, json } = await inFlight;
    expect(response.status).toBe(200);
    expect(json).toEqual({ result: { text: 'hi' } });
    await closing;
    servers.splice(servers.indexOf(server), 1);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});

describe('miner server routing', () => {
  it('does not mistake inherited object keys for task types', async () => {
    const { server, miner } = await start();
    for (const taskType of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const { response, json } = await send(server, miner, { taskType });
      expect(response.status, taskType).toBe(404);
      expect(codeOf(json)).toBe('MT_WIRE_UNKNOWN_TASK_TYPE');
    }
  });
});
