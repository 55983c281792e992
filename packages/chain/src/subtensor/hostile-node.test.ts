import { compactAddLength, hexToU8a, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { type SubtensorDevnet, startSubtensorDevnet } from '../devnet/subtensor-devnet.js';
import { ChainRuntimeError } from '../errors.js';
import { generateKeypair } from '../keys/keypair.js';
import { decodeRuntimeAnswer, runtimeApiMethod, SUBNET_STATE_LAYOUTS } from './runtime-api.js';
import { SubtensorChain } from './subtensor-chain.js';

// Subtensor's own runtime in chopsticks, behind a node of ours on loopback
// that passes every frame through and can slip hostile ones in: the client
// must keep working, and the process must not die.

interface Peer {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close' | 'open', listener: () => void): void;
  on(event: 'error', listener: () => void): void;
  send(data: string | Buffer): void;
  close(): void;
  readyState: number;
}
interface Server {
  on(event: 'connection', listener: (socket: Peer) => void): void;
  address(): { port: number };
  close(done: () => void): void;
  clients: Set<{ terminate(): void }>;
}

/** A pass-through node in front of `upstream`: `inject` sends the client a frame of its own. */
async function hostileProxy(upstream: string) {
  const Server = WebSocketServer as new (options: { host: string; port: number }) => Server;
  const Client = WebSocket as new (url: string) => Peer;
  const server = new Server({ host: '127.0.0.1', port: 0 });
  let client: Peer | undefined;
  let connections = 0;
  /** Each JSON-RPC request's method, in arrival order, from any connection. */
  const requestLog: string[] = [];
  /** Subscription ids of the client's new-head subscriptions, from the node's answers. */
  const headSubscriptions: string[] = [];
  /** Runtime API answers to forge: `state_call` method → the node's hex answer → the one sent. */
  const forged = new Map<string, (answer: string) => string>();
  const forgedRequests = new Map<number, (answer: string) => string>();
  server.on('connection', (socket) => {
    connections += 1;
    client = socket;
    const node = new Client(upstream);
    const early: (string | Buffer)[] = [];
    const headRequests = new Set<number>();
    node.on('open', () => {
      for (const frame of early.splice(0)) node.send(frame);
    });
    node.on('message', (data) => {
      const text = data.toString();
      const frame = JSON.parse(text) as { id?: number; result?: unknown };
      if (frame.id !== undefined && headRequests.has(frame.id))
        headSubscriptions.push(String(frame.result));
      const forge = frame.id === undefined ? undefined : forgedRequests.get(frame.id);
      if (forge && typeof frame.result === 'string') {
        frame.result = forge(frame.result);
        if (socket.readyState === 1) socket.send(JSON.stringify(frame));
        return;
      }
      if (socket.readyState === 1) socket.send(text);
    });
    socket.on('message', (data) => {
      const request = JSON.parse(data.toString()) as {
        id: number;
        method: string;
        params?: unknown[];
      };
      requestLog.push(request.method);
      if (/^chain_subscribeNewHeads?$/.test(request.method)) headRequests.add(request.id);
      const forge =
        request.method === 'state_call' ? forged.get(String(request.params?.[0])) : undefined;
      if (forge) forgedRequests.set(request.id, forge);
      if (node.readyState === 1) node.send(data.toString());
      else early.push(data.toString());
    });
    socket.on('close', () => node.close());
    node.on('close', () => socket.readyState === 1 && socket.close());
    node.on('error', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    connections: () => connections,
    /** The methods of the JSON-RPC requests clients have sent through. */
    requests: () => requestLog,
    headSubscription: () => headSubscriptions.at(-1),
    inject: (frame: string) => client?.send(frame),
    /** Rewrites every answer to the runtime API call `method` (`undefined` passes them through again). */
    forge: (method: string, rewrite: ((answer: string) => string) | undefined) =>
      rewrite ? forged.set(method, rewrite) : forged.delete(method),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of server.clients) socket.terminate();
        server.close(() => resolve());
      }),
  };
}

let devnet: SubtensorDevnet;
let proxy: Awaited<ReturnType<typeof hostileProxy>>;
let chain: SubtensorChain;
const warnings: { msg: string; fields: Record<string, unknown> }[] = [];
const logger = {
  warn: (fields: Record<string, unknown>, msg: string) => warnings.push({ fields, msg }),
  info: () => undefined,
  debug: () => undefined,
  error: () => undefined,
  child: () => logger,
} as never;

beforeAll(async () => {
  devnet = await startSubtensorDevnet({ runtime: 'spec218' });
  proxy = await hostileProxy(devnet.url);
  chain = await SubtensorChain.connect(proxy.url, { retryMs: 50, logger });
}, 180_000);

afterAll(async () => {
  await chain?.close();
  await proxy?.close();
  await devnet?.stop();
});

const newHead = (subscription: string, number: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    method: 'chain_newHead',
    params: {
      subscription,
      result: {
        parentHash: `0x${'00'.repeat(32)}`,
        number: `0x${number.toString(16)}`,
        stateRoot: `0x${'00'.repeat(32)}`,
        extrinsicsRoot: `0x${'00'.repeat(32)}`,
        digest: { logs: [] },
      },
    },
  });

describe('SubtensorChain behind a hostile node', () => {
  it('skips a head that jumps to 4e9 or moves backwards, and goes on with the real ones', async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const stream = (async () => {
      for await (const block of chain.blocks({ signal: stop.signal })) {
        seen.push(block);
        if (seen.length === 3) stop.abort();
      }
    })();
    const start = await chain.head();
    await devnet.newBlocks(1);
    // The subscription announces the head it starts at, then each new one.
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    const subscription = proxy.headSubscription() as string;
    proxy.inject(newHead(subscription, 4_000_000_000));
    proxy.inject(newHead(subscription, 1));
    await devnet.newBlocks(1);
    await stream;
    expect(seen).toEqual([start, start + 1, start + 2]);
    // Well-formed frames, just lies: no reconnect was needed.
    expect(warnings.filter((w) => w.msg.includes('broke the protocol'))).toEqual([]);
    expect(warnings.map((w) => w.msg)).toEqual(
      expect.arrayContaining([
        'the head jumped further than a node builds at once; skipped',
        'the head moved backwards; skipped',
      ]),
    );
  }, 60_000);

  it.each([
    ['a frame that is not JSON', '{"jsonrpc": "2.0", nope'],
    ['the frame null', 'null'],
  ])(
    'reconnects on %s, and the next read works',
    async (_name, frame) => {
      const before = proxy.connections();
      proxy.inject(frame);
      while (proxy.connections() === before)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await chain.head()).toBeGreaterThan(0);
    },
    60_000,
  );
});

describe('SubtensorChain reading a metagraph', () => {
  it('spends the same few requests on 2 UIDs as on 6: the runtime APIs, or one storage request per item for all UIDs', async () => {
    const sudo = (await generateKeypair()).pair;
    await devnet.setSudo(sudo.address);
    await devnet.setBalance(sudo.address, 10n ** 15n);
    await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkRateLimit', [0]);
    await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkMinLockCost', [1_000_000_000]);
    const owner = (await generateKeypair()).pair;
    await devnet.setBalance(owner.address, 10n ** 15n);
    const netuid = await chain.createSubnet(owner, (await generateKeypair()).pair.address);
    await devnet.newBlocks(1);
    await chain.setHyperparameters(sudo, netuid, {
      targetRegistrationsPerInterval: 100,
      maxRegistrationsPerBlock: 100,
    });
    const register = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const coldkey = (await generateKeypair()).pair;
        await devnet.setBalance(coldkey.address, 10n ** 13n);
        await chain.register(coldkey, netuid, (await generateKeypair()).pair.address);
      }
    };
    const fromStorage = await SubtensorChain.connect(proxy.url, { runtimeApis: false });
    try {
      const cost = async (reader: SubtensorChain) => {
        const before = proxy.requests().length;
        const graph = await reader.metagraph(netuid);
        // Reads only: a registration's transaction may still unwatch itself (author_*) meanwhile.
        const sent = proxy
          .requests()
          .slice(before)
          .filter((method) => !method.startsWith('author_'));
        return { requests: sent.length, methods: sent.join(' '), uids: graph.neurons.length };
      };
      // Each client's first read fills its caches (the block's runtime version); the figures are the reads after.
      await chain.metagraph(netuid);
      await fromStorage.metagraph(netuid);
      await register(1);
      const small = { api: await cost(chain), storage: await cost(fromStorage) };
      await register(4);
      const large = { api: await cost(chain), storage: await cost(fromStorage) };
      expect(large.api.uids).toBe(small.api.uids + 4);
      expect(large.storage.uids).toBe(large.api.uids);
      // Spec 218's runtime APIs: the head, get_neurons_lite and get_subnet_state.
      expect(small.api.requests, small.api.methods).toBe(3);
      expect(large.api.requests, large.api.methods).toBe(3);
      // From storage, one request per item for all UIDs: 256 UIDs cost what 2 do (1,037 requests before).
      expect(large.storage.requests, `${small.storage.methods} | ${large.storage.methods}`).toBe(
        small.storage.requests,
      );
      expect(small.storage.requests).toBeLessThanOrEqual(20);
    } finally {
      await fromStorage.close();
    }
  }, 180_000);

  it('refuses a runtime API answer with a byte too many or a neuron count it cannot hold, with a typed error', async () => {
    const [netuid] = (await chain.subnets()).slice(-1) as [number];
    const before = await chain.metagraph(netuid);
    expect(before.neurons.length).toBeGreaterThan(0);
    /** `answer` (a SCALE `Vec<u8>` as hex) with its inner bytes replaced by `inner(bytes)`. */
    const reencode = (answer: string, inner: (bytes: Buffer) => Buffer) => {
      const bytes = Buffer.from(answer.slice(2), 'hex');
      const mode = (bytes[0] as number) & 3;
      const prefix = mode === 0 ? 1 : mode === 1 ? 2 : 4;
      const body = inner(bytes.subarray(prefix));
      const length = body.length << 2;
      const head =
        body.length < 64
          ? Buffer.from([length])
          : body.length < 16_384
            ? Buffer.from([(length | 1) & 255, (length | 1) >> 8])
            : Buffer.from(Uint32Array.of(length | 2).buffer);
      return `0x${Buffer.concat([head, body]).toString('hex')}`;
    };
    const cases: [string, (bytes: Buffer) => Buffer][] = [
      ['a trailing byte', (bytes) => Buffer.concat([bytes, Buffer.from([0])])],
      ['a missing byte', (bytes) => bytes.subarray(0, -1)],
      // A count of 2^30 neurons in a few bytes: refused, never allocated.
      ['a billion neurons', () => Buffer.from([0xfe, 0xff, 0xff, 0xff, 0])],
    ];
    try {
      for (const [what, inner] of cases) {
        proxy.forge('NeuronInfoRuntimeApi_get_neurons_lite', (answer) => reencode(answer, inner));
        const error = await chain.metagraph(netuid).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(ChainRuntimeError.isInstance(error), `${what}: ${String(error)}`).toBe(true);
        expect(String(error)).toMatch(/NeuronInfoRuntimeApi_get_neurons_lite/);
      }
    } finally {
      proxy.forge('NeuronInfoRuntimeApi_get_neurons_lite', undefined);
    }
    // The client is still usable once the node answers honestly again.
    expect((await chain.metagraph(netuid)).neurons.length).toBe(before.neurons.length);
  }, 60_000);

  it('refuses a subnet state whose stake vector is shorter than the neurons, rather than read a stake of 0', async () => {
    const [netuid] = (await chain.subnets()).slice(-1) as [number];
    const before = await chain.metagraph(netuid);
    expect(before.neurons.length).toBeGreaterThan(1);
    const { ApiPromise, WsProvider } = await import('@polkadot/api');
    const api = await ApiPromise.create({ provider: new WsProvider(devnet.url), noInitWarn: true });
    try {
      const method = runtimeApiMethod(api, 'subnetInfoRuntimeApi', 'getSubnetState');
      if (!method) throw new TypeError('spec 218 declares get_subnet_state');
      // The node's own answer, re-encoded with its last neuron's stake left out: well formed, but short.
      proxy.forge('SubnetInfoRuntimeApi_get_subnet_state', (answer) => {
        const layout = SUBNET_STATE_LAYOUTS[0].layout;
        const state = decodeRuntimeAnswer(api, method, hexToU8a(answer), [layout]) as {
          toJSON(): Record<string, unknown[]>;
        };
        const json = state.toJSON();
        const short = { ...json, alphaStake: json.alphaStake?.slice(0, -1) };
        const forged = api.registry.createType(layout, short).toU8a();
        return u8aToHex(compactAddLength(forged));
      });
      const error = await chain.metagraph(netuid).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ChainRuntimeError.isInstance(error), String(error)).toBe(true);
      expect(String(error)).toMatch(/subnet state .* disagree/);
    } finally {
      proxy.forge('SubnetInfoRuntimeApi_get_subnet_state', undefined);
      await api.disconnect();
    }
    expect(await chain.metagraph(netuid)).toEqual({ ...before, block: await chain.head() });
  }, 60_000);
});
