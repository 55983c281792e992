import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { ChainRpcError, ChainUnreachableError } from '../errors.js';
import { GuardedWsProvider } from './guarded-provider.js';

// A fake chain node on loopback that a test scripts frame by frame: the
// provider must survive whatever it sends.

interface NodeSocket {
  on(event: 'message', listener: (data: Buffer) => void): void;
  send(data: string): void;
}
interface Server {
  on(event: 'connection', listener: (socket: NodeSocket) => void): void;
  address(): { port: number };
  close(done: () => void): void;
  clients: Set<{ terminate(): void }>;
}
type Request = { id: number; method: string; params: unknown[] };
type Script = (request: Request, socket: NodeSocket) => void;

/** What the heap holds on to, not what it has not collected yet. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A node answering each request with `script`; counts connections. */
async function fakeNode(script: Script) {
  const Server = WebSocketServer as new (options: { host: string; port: number }) => Server;
  const server = new Server({ host: '127.0.0.1', port: 0 });
  let connections = 0;
  const sockets: NodeSocket[] = [];
  server.on('connection', (socket) => {
    connections += 1;
    sockets.push(socket);
    socket.on('message', (data) => script(JSON.parse(data.toString()) as Request, socket));
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  );
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    connections: () => connections,
    latest: () => sockets.at(-1) as NodeSocket,
  };
}

async function provider(url: string, options = {}) {
  const created = await GuardedWsProvider.create(url, { retryMs: 50, ...options });
  cleanups.push(() => created.disconnect());
  await until(() => created.isConnected);
  return created;
}

async function until(condition: () => boolean): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > 10_000) throw new Error('condition not met in 10 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const answer = (request: Request, socket: NodeSocket, result: unknown) =>
  socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));

describe('GuardedWsProvider against a hostile node', () => {
  it.each([
    ['a frame that is not JSON', 'this is not json'],
    ['the frame null', 'null'],
    ['a frame nested 10,000 deep', `${'['.repeat(10_000)}${']'.repeat(10_000)}`],
    ['an array', '[1,2,3]'],
  ])('drops the connection on %s and opens it again, without throwing', async (_name, frame) => {
    let hostile = true;
    const node = await fakeNode((request, socket) => {
      if (request.method === 'bad' && hostile) {
        hostile = false;
        socket.send(frame);
      } else answer(request, socket, 'ok');
    });
    const client = await provider(node.url);
    const inFlight = client.send('bad', []);
    await expect(inFlight).rejects.toSatisfy(ChainUnreachableError.isInstance);
    await until(() => client.isConnected && node.connections() === 2);
    await expect(client.send('good', [])).resolves.toBe('ok');
  });

  it('keeps only the newest notifications for subscriptions nobody made', async () => {
    const node = await fakeNode((request, socket) => {
      if (request.method === 'chain_subscribeNewHeads') answer(request, socket, 'real');
      else answer(request, socket, 'ok');
    });
    const client = await provider(node.url, { maxEarlyNotifications: 16 });
    const heads: unknown[] = [];
    await client.subscribe('chain_newHead', 'chain_subscribeNewHeads', [], (_e, head) =>
      heads.push(head),
    );
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    const flood = 200_000;
    const socket = node.latest();
    for (let i = 0; i < flood; i += 1) {
      socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          method: 'chain_newHead',
          params: { subscription: `made-up-${i}`, result: { number: '0x1' } },
        }),
      );
    }
    socket.send(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'chain_newHead',
        params: { subscription: 'real', result: { number: '0x2' } },
      }),
    );
    await until(() => heads.length === 1);
    expect(heads).toEqual([{ number: '0x2' }]);
    // 235 MiB after 200,000 before; a bounded map holds 16.
    collectGarbage();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('still delivers a notification that arrives before its subscription id', async () => {
    const node = await fakeNode((request, socket) => {
      socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          method: 'chain_newHead',
          params: { subscription: 7, result: 'first' },
        }),
      );
      answer(request, socket, 7);
    });
    const client = await provider(node.url);
    const heads: unknown[] = [];
    await client.subscribe('chain_newHead', 'chain_subscribeNewHeads', [], (_e, head) =>
      heads.push(head),
    );
    expect(heads).toEqual(['first']);
  });

  it('turns an error answer and a silent node into typed chain errors', async () => {
    const node = await fakeNode((request, socket) => {
      if (request.method === 'refused')
        socket.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            error: { code: -32_601, message: 'Method not found' },
          }),
        );
      // 'silent' gets nothing back.
    });
    // Room for the refusal to come back on a loaded machine; the silent request is cut at 1 s.
    const client = await provider(node.url, { requestTimeoutMs: 1_000 });
    const refused = await client.send('refused', []).catch((error: unknown) => error);
    expect(ChainRpcError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ method: 'refused', rpcCode: -32_601 });
    const silent = await client.send('silent', []).catch((error: unknown) => error);
    expect(ChainRpcError.isInstance(silent)).toBe(true);
    expect(silent).toMatchObject({ method: 'silent', rpcCode: 'timeout' });
  });
});
