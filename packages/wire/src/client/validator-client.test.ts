import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskPath } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { Hotkey } from '../keys/hotkey.js';
import { SignerPool } from '../keys/signer-pool.js';
import { createMinerHandler, type MinerHandler } from '../server/miner-handler.js';
import { createMinerServer } from '../server/miner-server.js';
import type { TaskHandler } from '../server/task-stages.js';
import { signedTaskHeaders } from '../test-support/signed-request.js';
import { type MinerEndpoint, ValidatorClient } from './validator-client.js';

// The client against miners in memory: its `fetch` routes each miner's URL to
// a handler (an honest miner's, or an impostor's function), so no socket is
// needed. Attacks that need a real socket are in hostile-miners.test.ts.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const textSchema = z.object({ text: z.string() });
type Respond = (request: Request) => Response | Promise<Response>;

/** A `fetch` that sends each request to the handler of its URL's host. */
function network(routes: Map<string, Respond>) {
  return async (request: Request): Promise<Response> => {
    const respond = routes.get(new URL(request.url).host);
    if (!respond) throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
    return respond(request);
  };
}

function setup() {
  const routes = new Map<string, Respond>();
  let next = 0;
  const place = (respond: Respond): string => {
    next += 1;
    routes.set(`miner-${next}.test`, respond);
    return `http://miner-${next}.test`;
  };
  const miner = (
    handle: TaskHandler['handle'],
    options: { blacklist?: (sender: string) => string | undefined } = {},
  ): MinerEndpoint & { handler: MinerHandler } => {
    const key = Hotkey.generate();
    const handler = createMinerHandler({
      hotkey: key,
      handlers: { echo: { schema: textSchema, handle } },
      rateLimit: { capacity: 1_000, refillPerSecond: 1_000 },
      concurrency: 16,
      ...options,
    });
    closers.push(() => handler.close());
    return { address: key.address, url: place((request) => handler.fetch(request)), handler };
  };
  return { fetch: network(routes), miner, place };
}

describe('ValidatorClient', () => {
  it('fans out and turns every failure into a typed status, never a throw', async () => {
    const net = setup();
    const validator = Hotkey.generate();
    const client = new ValidatorClient({ hotkey: validator, timeoutMs: 1_000, fetch: net.fetch });
    const honest = net.miner((input) => ({ text: (input as { text: string }).text }));
    const slow = net.miner(async (_input, context) => {
      await sleep(20_000, undefined, { signal: context.signal }).catch(() => undefined);
      return { text: 'late' };
    });
    const wrongShape = net.miner(() => ({ words: 3 }));
    const realKey = Hotkey.generate();
    const thief = Hotkey.generate();
    // Signs its answer with its own key while claiming to be `realKey`'s miner.
    const forger = net.place((request) => {
      const answer = Buffer.from(JSON.stringify({ result: { text: 'forged' } }));
      return new Response(answer, {
        headers: signEnvelope({
          key: thief,
          kind: 'response',
          target: `POST ${taskPath('echo')}`,
          receiver: String(request.headers.get('x-mt-sender')),
          body: answer,
          requestNonce: String(request.headers.get('x-mt-nonce')),
        }),
      });
    });
    const unsigned = net.place(() => new Response('{"result":{"text":"trust me"}}'));

    const outcomes = await client.query(
      [
        honest,
        slow,
        wrongShape,
        { address: realKey.address, url: 'http://nobody.test' },
        { address: realKey.address, url: forger },
        { address: realKey.address, url: unsigned },
      ],
      'echo',
      { text: 'ping' },
      { responseSchema: textSchema },
    );
    expect(outcomes.map((o) => o.status)).toEqual([
      'ok',
      'timeout',
      'bad_schema',
      'refused',
      'bad_signature',
      'bad_signature',
    ]);
    expect(outcomes[0]?.result).toEqual({ text: 'ping' });
    // The slow miner stopped at the deadline and said so, signed, within the margin.
    expect(outcomes[1]).toMatchObject({ httpStatus: 504, code: 'MT_WIRE_DEADLINE_EXCEEDED' });
    expect(outcomes[4]?.code).toBe('MT_WIRE_SIGNATURE_INVALID');
    expect(outcomes[5]?.code).toBe('MT_WIRE_SIGNATURE_MISSING');
  });

  it('signs and verifies on a SignerPool, refusing a signature that does not verify', async () => {
    const net = setup();
    const pool = await SignerPool.start({ threads: 1 });
    closers.push(() => pool.close());
    const client = new ValidatorClient({
      hotkey: Hotkey.generate(),
      fetch: net.fetch,
      signer: pool,
    });
    // The miner checks our pooled signature with node:crypto, so a bad one would be refused there.
    const honest = net.miner((input) => ({ text: (input as { text: string }).text }));
    const realKey = Hotkey.generate();
    // Signed by the key it claims, with one byte of the signature changed: only the
    // signature check itself (on the pool) can catch it.
    const flipped = net.place((request) => {
      const answer = Buffer.from(JSON.stringify({ result: { text: 'pong' } }));
      const headers = signEnvelope({
        key: realKey,
        kind: 'response',
        target: `POST ${taskPath('echo')}`,
        receiver: String(request.headers.get('x-mt-sender')),
        body: answer,
        requestNonce: String(request.headers.get('x-mt-nonce')),
      });
      const signature = Buffer.from(String(headers['x-mt-signature']), 'base64');
      signature[0] = (signature[0] ?? 0) ^ 1;
      return new Response(answer, {
        headers: { ...headers, 'x-mt-signature': signature.toString('base64') },
      });
    });
    const outcomes = await client.query(
      [honest, { address: realKey.address, url: flipped }],
      'echo',
      { text: 'ping' },
      { responseSchema: textSchema },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'bad_signature']);
    expect(outcomes[0]?.result).toEqual({ text: 'ping' });
    expect(outcomes[1]?.code).toBe('MT_WIRE_SIGNATURE_INVALID');
  });

  it('signs the deadline it waits for into each request', async () => {
    const net = setup();
    let seen = 0;
    const target = net.miner((_input, context) => {
      seen = context.deadline;
      return { text: 'x' };
    });
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), fetch: net.fetch });
    const sent = Date.now();
    await client.query([target], 'echo', { text: 'x' }, { timeoutMs: 4_000 });
    expect(seen).toBeGreaterThanOrEqual(sent + 4_000);
    expect(seen).toBeLessThan(Date.now() + 4_000 + 50);
  });

  it('rejects a genuine answer replayed for another request', async () => {
    const net = setup();
    const validator = Hotkey.generate();
    const real = net.miner((input) => ({ text: (input as { text: string }).text }));
    const body = Buffer.from('{"text":"a"}');
    const first = await real.handler.fetch(
      new Request(`${real.url}${taskPath('echo')}`, {
        method: 'POST',
        headers: signedTaskHeaders(validator, real.address, body),
        body,
      }),
    );
    const recorded = { headers: first.headers, body: await first.arrayBuffer() };
    // A relay that answers every request with the miner's first signed answer.
    const relay = net.place(() => new Response(recorded.body, { headers: recorded.headers }));
    const client = new ValidatorClient({ hotkey: validator, fetch: net.fetch });
    const [outcome] = await client.query([{ address: real.address, url: relay }], 'echo', {
      text: 'a',
    });
    expect(outcome?.status).toBe('bad_signature');
    expect(outcome?.message).toMatch(/signature/);
  });

  it("reports a miner's refusal with its status and code", async () => {
    const net = setup();
    const validator = Hotkey.generate();
    const target = net.miner((input) => input as { text: string }, {
      blacklist: (sender) => (sender === validator.address ? 'not today' : undefined),
    });
    const client = new ValidatorClient({ hotkey: validator, fetch: net.fetch });
    const [banned] = await client.query([target], 'echo', { text: 'x' });
    expect(banned).toMatchObject({
      status: 'rejected',
      httpStatus: 403,
      code: 'MT_WIRE_BLACKLISTED',
      message: 'not today',
    });
    const other = new ValidatorClient({ hotkey: Hotkey.generate(), fetch: net.fetch });
    const [invalid] = await other.query([target], 'echo', { text: 5 });
    expect(invalid).toMatchObject({
      status: 'rejected',
      httpStatus: 422,
      code: 'MT_WIRE_INVALID_INPUT',
    });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const net = setup();
    let running = 0;
    let peak = 0;
    const busy = net.miner(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(40);
      running -= 1;
      return { text: 'done' };
    });
    const client = new ValidatorClient({
      hotkey: Hotkey.generate(),
      concurrency: 3,
      fetch: net.fetch,
    });
    const outcomes = await client.query(
      Array.from({ length: 12 }, () => busy),
      'echo',
      { text: 'x' },
    );
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(peak).toBe(3);
  });

  it('stops when the caller aborts', async () => {
    const net = setup();
    const slow = net.miner(async (_input, context) => {
      await sleep(2_000, undefined, { signal: context.signal });
      return { text: 'late' };
    });
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), fetch: net.fetch });
    const [outcome] = await client.query(
      [slow],
      'echo',
      { text: 'x' },
      {
        signal: AbortSignal.timeout(50),
      },
    );
    expect(outcome?.status).toBe('aborted');
  });

  it('talks to a real miner server with its own fetch by default', async () => {
    const key = Hotkey.generate();
    const server = await createMinerServer({
      hotkey: key,
      handlers: { echo: { schema: textSchema, handle: (input) => input as { text: string } } },
    });
    closers.push(() => server.close());
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
    const [outcome] = await client.query([{ address: key.address, url: server.url }], 'echo', {
      text: 'over tcp',
    });
    expect(outcome).toMatchObject({ status: 'ok', result: { text: 'over tcp' } });
  });
});
