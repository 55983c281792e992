import { getEventListeners } from 'node:events';
import { ChainCallFailedError } from '@mt/chain';
import { InvalidArgumentError, type SubnetMiner } from '@mt/protocol';
import { InvalidScoringInputError } from '@mt/scoring';
import { echoMiner, echoValidator } from '@mt/subnets';
import { createMetricsRegistry } from '@mt/telemetry';
import { Hotkey, signEnvelope, taskPath } from '@mt/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { wireAddressOf } from '../chain-hotkey.js';
import { ValidatorHaltedError } from '../errors.js';
import { createMinerNodeHandler } from '../miner/miner-node.js';
import { type LocalTestNetwork, localTestNetwork } from '../test-support/local-network.js';
import { type MinerRound, ValidatorNode, type ValidatorNodeOptions } from './validator-node.js';

// The validator node with everything in memory: a LocalChain in SQLite's
// memory, the echo subnet, and miners that are web-standard handlers reached
// through the client's injected fetch. Some miners attack it.

type Respond = (request: Request) => Response | Promise<Response>;

const networks: LocalTestNetwork[] = [];
afterEach(async () => {
  for (const net of networks.splice(0)) await net.chain.close();
});

/** The round entry of the miner whose wire key is `key`. */
const entryOf = (round: MinerRound[], key: Hotkey) =>
  round.find((r) => wireAddressOf(r.hotkey) === key.address);

async function network() {
  const local = await localTestNetwork({ commitRevealEnabled: true });
  networks.push(local);
  const { chain } = local;
  const validator = Hotkey.generate();
  await local.join(validator, { stake: 1_000_000n });
  // An epoch gives the staked validator its permit.
  chain.advanceBlocks(5);
  const routes = new Map<string, Respond>();
  let hosts = 0;
  const fetch = async (request: Request) => {
    const respond = routes.get(new URL(request.url).host);
    if (!respond) throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    return respond(request);
  };
  /** Registers a miner whose answers `respond` writes; returns its hotkey. */
  // The name only labels the miner for the reader; its address is what the chain stores.
  const join = async (_name: string, respond: (key: Hotkey) => Respond) => {
    const key = Hotkey.generate();
    // A chain stores addresses, not names: each miner gets a private test address.
    hosts += 1;
    const host = `10.0.0.${hosts}:8080`;
    routes.set(host, respond(key));
    await local.join(key, { url: `http://${host}` });
    return key;
  };
  const honestMiner = (miner: SubnetMiner) => (key: Hotkey) => {
    const handler = createMinerNodeHandler({ hotkey: key, subnets: [{ miner }] });
    return (request: Request) => handler.fetch(request);
  };
  /** A miner that signs `body(request)` validly as its answer: hostile, but registered. */
  const signing =
    (body: (request: Request) => string, headers: Record<string, string> = {}) =>
    (key: Hotkey) =>
    (request: Request) => {
      const bytes = Buffer.from(body(request));
      return new Response(bytes, {
        headers: {
          ...signEnvelope({
            key,
            kind: 'response',
            target: `POST ${taskPath('echo')}`,
            receiver: String(request.headers.get('x-mt-sender')),
            body: bytes,
            requestNonce: String(request.headers.get('x-mt-nonce')),
          }),
          ...headers,
        },
      });
    };
  const node = (timeoutMs = 1_000, options: Partial<ValidatorNodeOptions> = {}) =>
    new ValidatorNode({
      hotkey: validator,
      chain,
      netuid: local.netuid,
      subnet: echoValidator({ timeoutMs }),
      client: { fetch, marginMs: 100, allowPrivateEndpoints: true },
      ...options,
    });
  return { chain, netuid: local.netuid, owner: local.owner, join, honestMiner, signing, node };
}

describe('ValidatorNode', () => {
  it('checks its weight policy once, when built: sharpness > 0, alpha in (0, 1], a judging time > 0', async () => {
    const net = await network();
    for (const [options, option] of [
      [{ sharpness: 0 }, 'sharpness'],
      [{ sharpness: Number.NaN }, 'sharpness'],
      [{ alpha: 0 }, 'alpha'],
      [{ alpha: 1.5 }, 'alpha'],
      [{ judgeTimeoutMs: -1 }, 'judgeTimeoutMs'],
    ] as const) {
      const error = (() => {
        try {
          net.node(1_000, options);
        } catch (e) {
          return e;
        }
      })();
      // The weight policy's own options are @mt/scoring's to check; the judging time is the node's.
      const expected =
        option === 'judgeTimeoutMs' ? InvalidArgumentError : InvalidScoringInputError;
      expect(expected.isInstance(error), option).toBe(true);
      expect((error as Error).message).toContain(option);
    }
    expect(() => net.node(1_000, { sharpness: 1, alpha: 1 })).not.toThrow();
  });

  it('survives every hostile miner: each scores 0 with its reason, and the round completes', async () => {
    const net = await network();
    const honest = await net.join('honest', net.honestMiner(echoMiner()));
    const hostile = {
      deep: await net.join(
        'deep',
        net.signing(() => `{"result":${'['.repeat(5_000)}${']'.repeat(5_000)}}`),
      ),
      huge: await net.join(
        'huge',
        () => () =>
          new Response(new Uint8Array(2 * 1024 * 1024), {
            headers: { 'content-length': String(2 * 1024 * 1024) },
          }),
      ),
      gzip: await net.join(
        'gzip',
        net.signing(() => '{"result":{}}', { 'content-encoding': 'gzip' }),
      ),
      redirect: await net.join(
        'redirect',
        () => () =>
          new Response(null, { status: 302, headers: { location: 'http://honest.test/' } }),
      ),
      forger: await net.join('forger', () => net.signing(() => '{"result":{}}')(Hotkey.generate())),
      sleeper: await net.join(
        'sleeper',
        net.honestMiner({
          ...echoMiner(),
          solveTask: (_task, context) =>
            new Promise((_, reject) =>
              context.signal.addEventListener('abort', () => reject(context.signal.reason)),
            ),
        }),
      ),
      wrongTask: await net.join(
        'wrong-task',
        net.signing(
          () =>
            '{"result":{"taskId":"not-yours","minerUid":0,"resultData":{},"completedAt":1,"metadata":{}}}',
        ),
      ),
    };
    const started = performance.now();
    const round = await net.node(1_000).round(0);
    expect(performance.now() - started).toBeLessThan(5_000);
    const byKey = new Map(round.map((r) => [wireAddressOf(r.hotkey), r]));
    expect(byKey.get(honest.address)).toMatchObject({ status: 'ok' });
    expect(byKey.get(honest.address)?.score).toBeGreaterThan(0.8);
    const hostileRounds = Object.fromEntries(
      Object.entries(hostile).map(([name, key]) => [name, byKey.get(key.address)]),
    );
    for (const [name, outcome] of Object.entries(hostileRounds)) {
      expect(outcome?.score, name).toBe(0);
      expect(outcome?.error, name).toBeTruthy();
    }
    expect(hostileRounds.deep?.status).toBe('bad_response');
    expect(hostileRounds.huge?.status).toBe('bad_response');
    expect(hostileRounds.gzip?.status).toBe('bad_response');
    expect(hostileRounds.redirect?.status).toBe('bad_response');
    expect(hostileRounds.forger?.status).toBe('bad_signature');
    expect(hostileRounds.sleeper?.status).toBe('timeout');
    expect(hostileRounds.wrongTask?.error).toMatch(/wrong_task/);
  });

  it('scores speed from its own measure: a miner that lies about its time gains nothing', async () => {
    const net = await network();
    const slowLiar: SubnetMiner = {
      ...echoMiner(),
      async solveTask(task, context) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return echoMiner().solveTask(task, context);
      },
    };
    const liar = await net.join('liar', (key) => {
      const handler = createMinerNodeHandler({
        hotkey: key,
        subnets: [
          {
            miner: slowLiar,
            // It claims to have answered in no time at all.
            strategy: async (_task, solve) => ({ ...(await solve()), executionTimeMs: 0 }),
          },
        ],
      });
      return (request) => handler.fetch(request);
    });
    const fast = await net.join('fast', net.honestMiner(echoMiner()));
    const round = await net.node(1_000).round(0);
    const score = (key: Hotkey) => entryOf(round, key)?.score ?? -1;
    expect(score(fast)).toBeGreaterThan(score(liar));
    expect(entryOf(round, liar)?.latencyMs).toBeGreaterThanOrEqual(350);
  });

  it('keeps a moving average per miner and commits weights proportional to it', async () => {
    const net = await network();
    const good = await net.join('good', net.honestMiner(echoMiner()));
    const bad = await net.join(
      'bad',
      net.honestMiner({
        ...echoMiner(),
        solveTask: async () => ({ resultData: { text: 'nope' } }),
      }),
    );
    const node = net.node();
    await node.round(0);
    await node.round(1);
    const { neurons } = await net.chain.metagraph(net.netuid);
    const uid = (key: Hotkey) =>
      neurons.find((n) => wireAddressOf(n.hotkey) === key.address)?.uid ?? -1;
    expect(node.averages.get(uid(good))).toBeGreaterThan(0.4);
    expect(node.averages.get(uid(bad))).toBe(0);
    expect(await node.setWeights()).toBeUndefined(); // committed, hidden
    expect(await node.setWeights()).toBeUndefined(); // too early: still pending
    net.chain.advanceBlocks(5); // into the next epoch: the reveal window
    const revealed = await node.setWeights();
    expect(revealed?.uids).toEqual([uid(good)]);
    expect(revealed?.values).toEqual([65535]);
    const me = neurons.find((n) => n.stake > 0n)?.uid ?? -1;
    expect((await net.chain.weightsOf(net.netuid, me)).get(uid(good))).toBe(65535);
  });

  it('reads the metagraph again only when the chain has moved, and sees a new miner then', async () => {
    const net = await network();
    await net.join('first', net.honestMiner(echoMiner()));
    let reads = 0;
    const counted = new Proxy(net.chain, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === 'metagraph') reads += 1;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const node = net.node(1_000, { chain: counted });
    expect(await node.round(0)).toHaveLength(1);
    expect(await node.round(1)).toHaveLength(1);
    expect(reads).toBe(1);
    const second = await net.join('second', net.honestMiner(echoMiner()));
    net.chain.advanceBlocks(1); // a registration lands in a new block
    const third = await node.round(2);
    expect(reads).toBe(2);
    expect(third).toHaveLength(2);
    expect(entryOf(third, second)?.status).toBe('ok');
  });

  it('ends a round at the budget when a miner never answers and its fetch ignores every signal', async () => {
    const net = await network();
    const honest = await net.join('honest', net.honestMiner(echoMiner()));
    // The transport itself hangs: no timer inside it, no abort honoured.
    const silent = await net.join('silent', () => () => new Promise<Response>(() => undefined));
    // Room for the honest miner on a loaded machine; the silent one is cut at 2 s plus the margin.
    const round = await net.node(2_000).round(0);
    expect(entryOf(round, honest)?.status).toBe('ok');
    expect(entryOf(round, silent)).toMatchObject({ status: 'timeout', score: 0 });
  });

  it('bounds the judging too: a subnet that never scores gives 0, and the round completes', async () => {
    const net = await network();
    const honest = await net.join('honest', net.honestMiner(echoMiner()));
    const stuck = {
      ...echoValidator({ timeoutMs: 300 }),
      scoreResult: () => new Promise<never>(() => undefined),
    };
    const round = await net.node(300, { subnet: stuck, judgeTimeoutMs: 200 }).round(0);
    expect(entryOf(round, honest)).toMatchObject({ status: 'timeout', score: 0 });
    expect(entryOf(round, honest)?.error).toMatch(/no verdict within 600 ms/);
  });

  it('aborts a round when asked, and leaves the averages as they were', async () => {
    const net = await network();
    await net.join('silent', () => () => new Promise<Response>(() => undefined));
    const node = net.node(30_000);
    const stop = new AbortController();
    const round = node.round(0, stop.signal);
    setTimeout(() => stop.abort(new Error('SIGTERM')), 50);
    await expect(round).rejects.toThrow('SIGTERM');
    expect(node.averages.size).toBe(0);
  });

  it('outlives the owner switching commit-reveal off between a commit and its reveal', async () => {
    const net = await network();
    const good = await net.join('good', net.honestMiner(echoMiner()));
    const node = net.node();
    await node.round(0);
    expect(await node.setWeights()).toBeUndefined(); // committed
    await net.chain.setHyperparameters(net.owner, net.netuid, { commitRevealEnabled: false });
    net.chain.advanceBlocks(5); // the reveal window, where the reveal is now refused
    const set = await node.setWeights();
    expect(set?.values).toEqual([65535]);
    const { neurons } = await net.chain.metagraph(net.netuid);
    const goodUid = neurons.find((n) => wireAddressOf(n.hotkey) === good.address)?.uid ?? -1;
    const me = neurons.find((n) => n.stake > 0n)?.uid ?? -1;
    expect((await net.chain.weightsOf(net.netuid, me)).get(goodUid)).toBe(65535);
  });

  it('waits when the owner raises the weights rate limit, and sets the weights later', async () => {
    const net = await network();
    await net.join('good', net.honestMiner(echoMiner()));
    await net.chain.setHyperparameters(net.owner, net.netuid, {
      commitRevealEnabled: false,
      weightsRateLimit: 0,
    });
    const registry = createMetricsRegistry({ service: 'test', version: '0' });
    const node = net.node(1_000, { registry });
    await node.round(0);
    expect(await node.setWeights()).toBeDefined();
    await net.chain.setHyperparameters(net.owner, net.netuid, { weightsRateLimit: 100 });
    // Too fast now: kept, counted, not thrown.
    expect(await node.setWeights()).toBeUndefined();
    const metrics = await registry.getSingleMetricAsString('mt_validator_failures_total');
    expect(metrics).toMatch(/stage="weights_wait"[^\n]* 1/);
    net.chain.advanceBlocks(101);
    expect(await node.setWeights()).toBeDefined();
  });

  it('keeps its loop through failures, and halts after too many in a row', async () => {
    const net = await network();
    await net.join('good', net.honestMiner(echoMiner()));
    await net.chain.setHyperparameters(net.owner, net.netuid, { commitRevealEnabled: false });
    const registry = createMetricsRegistry({ service: 'test', version: '0' });
    let refusals = 2;
    const refusingSetWeights = async (...args: Parameters<typeof net.chain.setWeights>) => {
      if (refusals-- > 0)
        throw new ChainCallFailedError('subtensorModule.setWeights', 'SomethingElse');
      return net.chain.setWeights(...args);
    };
    const chain = new Proxy(net.chain, {
      get(target, property) {
        if (property === 'setWeights') return refusingSetWeights;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const node = net.node(1_000, { chain, registry });
    // Two refusals in a row, then a success: the loop goes on through all three rounds.
    await node.run({ signal: new AbortController().signal, intervalMs: 0, rounds: 3 });
    const failures = await registry.getSingleMetricAsString('mt_validator_failures_total');
    expect(failures).toMatch(/stage="weights"[^\n]* 2/);
    refusals = 100;
    const halted = await node
      .run({ signal: new AbortController().signal, intervalMs: 0, maxConsecutiveFailures: 3 })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(ValidatorHaltedError.isInstance(halted)).toBe(true);
    expect((halted as ValidatorHaltedError).failures).toBe(3);
  });

  it('leaves no listener on its stop signal, round after round', async () => {
    const net = await network();
    await net.join('good', net.honestMiner(echoMiner()));
    const node = net.node(1_000);
    const stop = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await node.run({ signal: stop.signal, intervalMs: 1, rounds: 15 });
    } finally {
      process.off('warning', onWarning);
    }
    // It leaked one per round before, and Node warned after 11.
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
