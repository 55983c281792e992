import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { Hotkey } from '../keys/hotkey.js';
import {
  createMinerServer,
  type MinerServer,
  type TaskHandler,
  taskPath,
} from '../server/miner-server.js';
import { type MinerEndpoint, ValidatorClient } from './validator-client.js';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const textSchema = z.object({ text: z.string() });

async function miner(
  handle: TaskHandler['handle'],
): Promise<MinerEndpoint & { server: MinerServer }> {
  const key = Hotkey.generate();
  const server = await createMinerServer({
    hotkey: key,
    handlers: { echo: { schema: textSchema, handle } },
    rateLimit: { capacity: 1_000, refillPerSecond: 1_000 },
    concurrency: 16,
  });
  closers.push(() => server.close());
  return { address: key.address, url: server.url, server };
}

/** A server that is not the miner it claims to be: it answers with whatever `respond` builds. */
async function impostor(
  respond: (
    body: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ) => { headers: Record<string, string>; body: Buffer },
): Promise<string> {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
  app.post('/v1/tasks/:taskType', async (request, reply) => {
    const answer = respond(request.body as Buffer, request.headers);
    return reply.headers(answer.headers).type('application/json').send(answer.body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

describe('ValidatorClient', () => {
  it('fans out and turns every failure into a typed status, never a throw', async () => {
    const validator = Hotkey.generate();
    // Generous timeout: a loaded CI machine must not push the honest miner past it.
    const client = new ValidatorClient({ hotkey: validator, timeoutMs: 3_000 });
    const honest = await miner((input) => ({ text: (input as { text: string }).text }));
    const slow = await miner(async (_input, context) => {
      await sleep(20_000, undefined, { signal: context.signal }).catch(() => undefined);
      return { text: 'late' };
    });
    const wrongShape = await miner(() => ({ words: 3 }));
    const closed = await miner(() => ({ text: 'x' }));
    await closed.server.close();
    closers.pop();

    const realKey = Hotkey.generate();
    const thief = Hotkey.generate();
    // Signs its answer with its own key while claiming to be `realKey`'s miner.
    const forger = await impostor((_body, headers) => {
      const answer = Buffer.from(JSON.stringify({ result: { text: 'forged' } }));
      return {
        headers: signEnvelope({
          key: thief,
          kind: 'response',
          target: `POST ${taskPath('echo')}`,
          receiver: String(headers['x-mt-sender']),
          body: answer,
          requestNonce: String(headers['x-mt-nonce']),
        }),
        body: answer,
      };
    });
    const unsigned = await impostor(() => ({
      headers: {},
      body: Buffer.from('{"result":{"text":"trust me"}}'),
    }));

    const outcomes = await client.query(
      [
        { address: honest.address, url: honest.url },
        { address: slow.address, url: slow.url },
        { address: wrongShape.address, url: wrongShape.url },
        { address: closed.address, url: closed.url },
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
    expect(outcomes[1]?.latencyMs).toBeLessThan(10_000);
    expect(outcomes[4]?.code).toBe('MT_WIRE_SIGNATURE_INVALID');
    expect(outcomes[5]?.code).toBe('MT_WIRE_SIGNATURE_MISSING');
  });

  it('rejects a genuine answer replayed for another request', async () => {
    const validator = Hotkey.generate();
    const real = await miner((input) => ({ text: (input as { text: string }).text }));
    let recorded: { headers: Record<string, string>; body: Buffer } | undefined;
    // A relay that records the miner's first signed answer and replays it afterwards.
    const relay = await impostor((body, headers) => {
      if (recorded) return recorded;
      throw Object.assign(new Error('unreachable'), { body, headers });
    });
    const client = new ValidatorClient({ hotkey: validator });
    const first = await fetch(`${real.url}${taskPath('echo')}`, {
      method: 'POST',
      headers: {
        ...signEnvelope({
          key: validator,
          kind: 'request',
          target: `POST ${taskPath('echo')}`,
          receiver: real.address,
          body: Buffer.from('{"text":"a"}'),
        }),
        'content-type': 'application/json',
      },
      body: '{"text":"a"}',
    });
    recorded = {
      headers: Object.fromEntries([...first.headers].filter(([name]) => name.startsWith('x-mt-'))),
      body: Buffer.from(await first.arrayBuffer()),
    };
    const [outcome] = await client.query([{ address: real.address, url: relay }], 'echo', {
      text: 'a',
    });
    expect(outcome?.status).toBe('bad_signature');
    expect(outcome?.message).toMatch(/signature/);
  });

  it("reports a miner's refusal with its status and code", async () => {
    const validator = Hotkey.generate();
    const key = Hotkey.generate();
    const server = await createMinerServer({
      hotkey: key,
      handlers: { echo: { schema: textSchema, handle: (input) => input as { text: string } } },
      blacklist: (sender) => (sender === validator.address ? 'not today' : undefined),
    });
    closers.push(() => server.close());
    const client = new ValidatorClient({ hotkey: validator });
    const [banned] = await client.query([{ address: key.address, url: server.url }], 'echo', {
      text: 'x',
    });
    expect(banned).toMatchObject({
      status: 'rejected',
      httpStatus: 403,
      code: 'MT_WIRE_BLACKLISTED',
      message: 'not today',
    });
    const other = new ValidatorClient({ hotkey: Hotkey.generate() });
    const [invalid] = await other.query([{ address: key.address, url: server.url }], 'echo', {
      text: 5,
    });
    expect(invalid).toMatchObject({
      status: 'rejected',
      httpStatus: 422,
      code: 'MT_WIRE_INVALID_INPUT',
    });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let running = 0;
    let peak = 0;
    const busy = await miner(async () => {
      running += 1;
      peak = Math.max(peak, running);
      await sleep(40);
      running -= 1;
      return { text: 'done' };
    });
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), concurrency: 3 });
    const outcomes = await client.query(
      Array.from({ length: 12 }, () => ({ address: busy.address, url: busy.url })),
      'echo',
      { text: 'x' },
    );
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(peak).toBe(3);
  });

  it('stops when the caller aborts', async () => {
    const slow = await miner(async () => {
      await sleep(2_000);
      return { text: 'late' };
    });
    const client = new ValidatorClient({ hotkey: Hotkey.generate() });
    const [outcome] = await client.query(
      [{ address: slow.address, url: slow.url }],
      'echo',
      { text: 'x' },
      { signal: AbortSignal.timeout(50) },
    );
    expect(outcome?.status).toBe('aborted');
  });
});
