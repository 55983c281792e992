import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { taskPath } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { Hotkey } from '../keys/hotkey.js';
import { type QueryOutcome, ValidatorClient } from './validator-client.js';

// Miners that attack the validator over real sockets, with the global fetch:
// each is a registered miner with its own key, so its answers are validly
// signed. The validator must turn every attack into a status for that miner,
// without throwing and without spending its memory or stack on it.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

type Sign = (body: Buffer) => Record<string, string>;

/** Starts a hostile miner whose answer `respond` writes; `sign` makes valid headers for a body. */
async function hostile(
  respond: (response: ServerResponse, sign: Sign, request: IncomingMessage) => void,
): Promise<{ address: string; url: string }> {
  const key = Hotkey.generate();
  const server = createServer((request, response) => {
    request.resume();
    const sign: Sign = (body) =>
      signEnvelope({
        key,
        kind: 'response',
        target: `POST ${taskPath('echo')}`,
        receiver: String(request.headers['x-mt-sender']),
        body,
        requestNonce: String(request.headers['x-mt-nonce']),
      });
    respond(response, sign, request);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    address: key.address,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

const signedJson = (text: string) => (response: ServerResponse, sign: Sign) => {
  const body = Buffer.from(text);
  response.writeHead(200, { ...sign(body), 'content-type': 'application/json' });
  response.end(body);
};

async function ask(miner: { address: string; url: string }, timeoutMs = 2_000) {
  // The hostile miners listen on loopback, which only a local network may query.
  const client = new ValidatorClient({
    hotkey: Hotkey.generate(),
    timeoutMs,
    marginMs: 200,
    allowPrivateEndpoints: true,
  });
  const [outcome] = await client.query([miner], 'echo', { text: 'x' });
  return outcome as QueryOutcome<unknown>;
}

describe('a validator against hostile miners', () => {
  it('refuses a validly signed answer nested 4,000 deep (it overflowed the stack before)', async () => {
    const depth = 4_000;
    const miner = await hostile(
      signedJson(`{"result":{"text":${'['.repeat(depth)}${']'.repeat(depth)}}}`),
    );
    expect(await ask(miner)).toMatchObject({ status: 'bad_response', code: 'MT_JSON_TOO_DEEP' });
  });

  it('does not decompress a gzip bomb', async () => {
    // 64 MiB of zeros in about 64 KiB; undici would inflate it while reading.
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const miner = await hostile((response, sign) => {
      response.writeHead(200, { ...sign(bomb), 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    const before = process.memoryUsage().arrayBuffers;
    expect(await ask(miner)).toMatchObject({
      status: 'bad_response',
      code: 'MT_WIRE_RESPONSE_ENCODED',
    });
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('stops reading an endless body at the size limit', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const miner = await hostile((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) sent += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      response.on('error', () => undefined);
      pump();
    });
    expect(await ask(miner)).toMatchObject({
      status: 'bad_response',
      code: 'MT_WIRE_RESPONSE_TOO_LARGE',
    });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a declared 1 GiB answer without reading it', async () => {
    const miner = await hostile((response) => {
      response.writeHead(200, { 'content-length': String(1024 ** 3) });
      response.write(Buffer.alloc(1024));
    });
    expect(await ask(miner)).toMatchObject({
      status: 'bad_response',
      code: 'MT_WIRE_RESPONSE_TOO_LARGE',
    });
  });

  it('does not follow a redirect, so its request and headers go nowhere else', async () => {
    let victimHit = false;
    const victim = await hostile((response) => {
      victimHit = true;
      response.end('{}');
    });
    const miner = await hostile((response) => {
      response.writeHead(307, { location: `${victim.url}${taskPath('echo')}` });
      response.end();
    });
    expect(await ask(miner)).toMatchObject({
      status: 'bad_response',
      httpStatus: 307,
      code: 'MT_WIRE_REDIRECT_REFUSED',
    });
    expect(victimHit).toBe(false);
  });

  it('gives up on an answer dripped a byte at a time, at the deadline', async () => {
    const miner = await hostile((response, sign) => {
      const body = Buffer.from('{"result":{"text":"slow"}}');
      response.writeHead(200, { ...sign(body), 'content-length': String(body.length) });
      let i = 0;
      const drip = setInterval(() => {
        if (response.destroyed || i >= body.length) clearInterval(drip);
        else response.write(body.subarray(i, ++i));
      }, 200);
      response.on('close', () => clearInterval(drip));
    });
    const began = performance.now();
    expect(await ask(miner, 500)).toMatchObject({ status: 'timeout' });
    expect(performance.now() - began).toBeLessThan(2_000);
  });

  it('refuses an answer that is not JSON, after checking its signature', async () => {
    const miner = await hostile(signedJson('{"result": nope'));
    expect(await ask(miner)).toMatchObject({ status: 'bad_response', code: 'MT_JSON_MALFORMED' });
  });

  it('never echoes the words of an unsigned error, only its status and a well-formed code', async () => {
    // What an internal service behind a published endpoint would answer: its text must not
    // reach the round, the logs or the dashboard.
    const internal = await hostile((response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ error: { code: 'X', message: 'redis: secret key=hunter2 '.repeat(9) } }),
      );
    });
    const outcome = await ask(internal);
    expect(outcome).toMatchObject({ status: 'rejected', httpStatus: 500, code: 'X' });
    expect(outcome.message).toBeUndefined();
    const odd = await hostile((response) => {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: '<script>alert(1)</script>' } }));
    });
    const oddOutcome = await ask(odd);
    expect(oddOutcome).toMatchObject({ status: 'rejected', httpStatus: 403 });
    expect(oddOutcome.code).toBeUndefined();
  });
});

describe('a validator against endpoints that reach inside', () => {
  /** A listener on loopback that counts what reaches it: an internal service. */
  async function internalService(): Promise<{ port: number; hits: () => number }> {
    let hits = 0;
    const miner = await hostile((response) => {
      hits += 1;
      response.end('{"admin":true}');
    });
    return { port: Number(new URL(miner.url).port), hits: () => hits };
  }

  const client = (options: { allowPrivateEndpoints?: boolean } = {}) =>
    new ValidatorClient({ hotkey: Hotkey.generate(), timeoutMs: 2_000, ...options });

  it('sends nothing to loopback, private, link-local or mapped addresses by default', async () => {
    const service = await internalService();
    const targets = [
      `http://127.0.0.1:${service.port}`,
      `http://[::ffff:127.0.0.1]:${service.port}`,
      `http://2130706433:${service.port}`,
      'http://169.254.169.254:80',
      'http://10.0.0.1:6379',
      'http://100.64.0.1:80',
      'http://0.0.0.0:80',
      'http://8.8.8.8:0',
    ];
    const outcomes = await client().query(
      targets.map((url) => ({ address: Hotkey.generate().address, url })),
      'echo',
      { text: 'x' },
    );
    for (const outcome of outcomes)
      expect(outcome).toMatchObject({ status: 'refused', code: 'MT_ENDPOINT_REFUSED' });
    expect(service.hits()).toBe(0);
  });

  it('checks the address a host name resolves to when it connects', async () => {
    // "localhost" passes any check of the URL's text; it is refused where it resolves,
    // which is also where a rebinding DNS answer would be caught.
    const service = await internalService();
    const [outcome] = await client().query(
      [{ address: Hotkey.generate().address, url: `http://localhost:${service.port}` }],
      'echo',
      { text: 'x' },
    );
    expect(outcome).toMatchObject({ status: 'refused', code: 'MT_ENDPOINT_REFUSED' });
    expect(outcome?.message).toMatch(/resolves to (127\.0\.0\.1|::1)/);
    expect(service.hits()).toBe(0);
  });

  it('reaches loopback when a local network allows it, and never the metadata service', async () => {
    const service = await internalService();
    const outcomes = await client({ allowPrivateEndpoints: true }).query(
      [`http://localhost:${service.port}`, 'http://169.254.169.254:80'].map((url) => ({
        address: Hotkey.generate().address,
        url,
      })),
      'echo',
      { text: 'x' },
    );
    expect(outcomes[0]?.status).toBe('bad_signature');
    expect(outcomes[1]).toMatchObject({ status: 'refused', code: 'MT_ENDPOINT_REFUSED' });
    expect(service.hits()).toBe(1);
  });
});
