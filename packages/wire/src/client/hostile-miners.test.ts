import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { Hotkey } from '../keys/hotkey.js';
import { taskPath } from '../server/miner-handler.js';
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
  const client = new ValidatorClient({ hotkey: Hotkey.generate(), timeoutMs, marginMs: 200 });
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

  it('trims the message of an unsigned refusal, which it only shows', async () => {
    const miner = await hostile((response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: 'X', message: 'm'.repeat(100_000) } }));
    });
    const outcome = await ask(miner);
    expect(outcome).toMatchObject({ status: 'rejected', httpStatus: 500, code: 'X' });
    expect(outcome.message?.length).toBeLessThanOrEqual(300);
  });
});
