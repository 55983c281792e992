import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskPath } from '../envelope/headers.js';
import { Hotkey } from '../keys/hotkey.js';
import { signedTaskHeaders } from '../test-support/signed-request.js';
import { createMinerServer, type MinerServer, type MinerServerOptions } from './miner-server.js';

// What only a socket server can get wrong: connections. The handler's own
// behaviour is covered, over this carrier too, in miner-handler.test.ts.

const validator = Hotkey.generate();
const servers: MinerServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Partial<MinerServerOptions> = {}) {
  const miner = Hotkey.generate();
  const server = await createMinerServer({
    hotkey: miner,
    handlers: {
      echo: { schema: z.object({ text: z.string() }), handle: (input: { text: string }) => input },
    },
    ...options,
  });
  servers.push(server);
  return { server, miner };
}

function signedPost(server: MinerServer, miner: Hotkey, text = 'hi') {
  const body = Buffer.from(JSON.stringify({ text }));
  return fetch(`${server.url}${taskPath('echo')}`, {
    method: 'POST',
    headers: signedTaskHeaders(validator, miner.address, body, { budgetMs: 5_000 }),
    body,
  });
}

/** A raw TCP connection to the server, and everything it has received so far. */
interface RawSocket {
  socket: Socket;
  received(): string;
}

/** Opens a raw TCP connection to the server and resolves once it is connected. */
function openSocket(server: MinerServer): Promise<RawSocket> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), hostname, () =>
      resolve({ socket, received: () => received }),
    );
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    // The 'data' listener keeps it flowing, so the server's closing is read.
    sockets.push(socket);
  });
}

const closed = ({ socket }: RawSocket) =>
  new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });

describe('miner server (node:http)', () => {
  it('keeps serving while 300 connections send nothing, and closes them at the headers timeout', {
    timeout: 20_000,
  }, async () => {
    const { server, miner } = await start({ headersTimeoutMs: 1_000 });
    const idle = await Promise.all(Array.from({ length: 300 }, () => openSocket(server)));
    const answer = await signedPost(server, miner);
    expect(answer.status).toBe(200);
    const began = performance.now();
    await Promise.all(idle.map(closed));
    // Closed by the server near its 1 s limit (Node checks every 500 ms), not left open.
    expect(performance.now() - began).toBeLessThan(5_000);
  });

  it('answers 408 and closes a connection whose body stalls, serving others meanwhile', async () => {
    const { server, miner } = await start({ requestTimeoutMs: 1_000 });
    const slow = await openSocket(server);
    slow.socket.write(
      `POST ${taskPath('echo')} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"te`,
    );
    expect((await signedPost(server, miner)).status).toBe(200);
    const began = performance.now();
    await closed(slow);
    // Closed by the server at its 1 s limit (Node destroys it mid-body, with no answer).
    expect(performance.now() - began).toBeLessThan(5_000);
    expect(slow.received() === '' || slow.received().startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('answers a task that computes for longer than a request may take to arrive', async () => {
    const { server, miner } = await start({
      requestTimeoutMs: 500,
      handlers: {
        echo: {
          schema: z.object({ text: z.string() }),
          handle: async (input: { text: string }) => {
            await sleep(1_200);
            return input;
          },
        },
      },
    });
    const response = await signedPost(server, miner, 'slow but honest');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: { text: 'slow but honest' } });
  });

  it('refuses a declared oversize body with 413 without waiting for it', async () => {
    const { server } = await start({ bodyLimitBytes: 1024 });
    const raw = await openSocket(server);
    raw.socket.write(
      `POST ${taskPath('echo')} HTTP/1.1\r\nhost: x\r\ncontent-length: 1073741824\r\n\r\n`,
    );
    const began = performance.now();
    while (!raw.received().includes('\r\n\r\n') && performance.now() - began < 5_000)
      await sleep(10);
    expect(raw.received()).toMatch(/^HTTP\/1\.1 413/);
    expect(raw.received()).toContain('MT_WIRE_BODY_TOO_LARGE');
    // Nothing more is read: the connection is closed rather than drained.
    await closed(raw);
  });

  it('stops reading a streamed body past the limit and closes the connection', async () => {
    const { server } = await start({ bodyLimitBytes: 1024 });
    const raw = await openSocket(server);
    const { socket } = raw;
    socket.write(
      `POST ${taskPath('echo')} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n`,
    );
    const chunk = Buffer.alloc(4096, 0x20);
    let sent = 0;
    let open = true;
    socket.once('close', () => {
      open = false;
    });
    while (open && sent < 64 * 1024 * 1024) {
      socket.write(`${chunk.length.toString(16)}\r\n`);
      socket.write(chunk);
      socket.write('\r\n');
      sent += chunk.length;
      await sleep(1);
    }
    // The server closed the connection soon after the limit. Whether the 413
    // arrives depends on the client's TCP stack (unread data makes a reset).
    expect(open).toBe(false);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(raw.received() === '' || raw.received().startsWith('HTTP/1.1 413')).toBe(true);
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
    const request = httpRequest(new URL(`${server.url}${taskPath('echo')}`), {
      method: 'POST',
      headers: signedTaskHeaders(validator, miner.address, body, { budgetMs: 30_000 }),
    });
    request.on('error', () => undefined);
    request.end(body);
    await sleep(100);
    request.destroy();
    await expect(
      Promise.race([abortedSeen.then(() => 'aborted'), sleep(2_000, 'still running')]),
    ).resolves.toBe('aborted');
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
    const inFlight = signedPost(server, miner);
    await sleep(50);
    const closing = server.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: { text: 'hi' } });
    await closing;
    servers.splice(servers.indexOf(server), 1);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});
