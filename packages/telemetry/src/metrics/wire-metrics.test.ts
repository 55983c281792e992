import { randomBytes } from 'node:crypto';
import { createMinerServer, Hotkey, type MinerServer, ValidatorClient } from '@mt/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findPromtool, promtoolCheck } from '../testing/promtool.js';
import { createMetricsRegistry } from './metrics-registry.js';
import { WireMetrics } from './wire-metrics.js';

const promtool = findPromtool();
const servers: MinerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: { rateLimit?: { capacity: number; refillPerSecond: number } } = {}) {
  const registry = createMetricsRegistry({ service: 'mt-test', version: '0' });
  const hotkey = Hotkey.generate();
  const server = await createMinerServer({
    hotkey,
    handlers: {
      echo: {
        schema: z.object({ text: z.string() }),
        handle: (input) => ({ text: (input as { text: string }).text }),
      },
    },
    observer: new WireMetrics(registry),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
  });
  servers.push(server);
  return { registry, server, miner: { address: hotkey.address, url: server.url } };
}

/** The value of one sample line, e.g. `mt_wire_requests_total{...} 3`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('WireMetrics on a real miner server', () => {
  it('counts answered requests by route, task type and status, with latencies', async () => {
    const { registry, miner } = await start();
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
    const outcomes = await client.query([miner, miner], 'echo', { text: 'hi' });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    await fetch(`${miner.url}/health`);
    const text = await registry.metrics();
    expect(
      sample(
        text,
        'mt_wire_requests_total{route="/v1/tasks/:taskType",task_type="echo",status="200"}',
      ),
    ).toBe(2);
    expect(sample(text, 'mt_wire_requests_total{route="/health",task_type="",status="200"}')).toBe(
      1,
    );
    expect(
      sample(
        text,
        'mt_wire_request_duration_seconds_count{route="/v1/tasks/:taskType",task_type="echo"}',
      ),
    ).toBe(2);
    expect(sample(text, 'mt_wire_queue_waiting')).toBe(0);
  });

  it('counts envelope refusals by code, with no key at all', async () => {
    const { registry, miner } = await start();
    // An unsigned request, and one whose signature header is garbage.
    await fetch(`${miner.url}/v1/tasks/echo`, { method: 'POST', body: '{"text":"x"}' });
    await fetch(`${miner.url}/v1/tasks/echo`, {
      method: 'POST',
      body: '{"text":"x"}',
      headers: { 'x-mt-signature': 'zz' },
    });
    const text = await registry.metrics();
    const refused = text
      .split('\n')
      .filter((l) => l.startsWith('mt_wire_envelope_refusals_total{'))
      .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    expect(refused).toBe(2);
    expect(text).toMatch(/mt_wire_refusals_total\{stage="envelope",code="MT_WIRE_[A-Z_]+"\} \d/);
  });

  it('counts rate-limited senders', async () => {
    const { registry, miner } = await start({ rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
    const outcomes = await client.query([miner, miner, miner], 'echo', { text: 'hi' });
    expect(outcomes.filter((o) => o.code === 'MT_WIRE_RATE_LIMITED')).toHaveLength(2);
    const text = await registry.metrics();
    expect(sample(text, 'mt_wire_rate_limited_total')).toBe(2);
    expect(
      sample(text, 'mt_wire_refusals_total{stage="rate_limit",code="MT_WIRE_RATE_LIMITED"}'),
    ).toBe(2);
  });

  it('does not let a peer grow the registry by inventing task types or paths', async () => {
    const { registry, miner } = await start({ rateLimit: { capacity: 100, refillPerSecond: 100 } });
    const client = new ValidatorClient({
      hotkey: Hotkey.generate(),
      concurrency: 8,
      allowPrivateEndpoints: true,
    });
    const before = (await registry.metrics()).length;
    for (let i = 0; i < 40; i += 1) {
      const name = randomBytes(6).toString('hex');
      await client.query([miner], name, { text: 'x' });
      await fetch(`${miner.url}/${name}`);
    }
    const text = await registry.metrics();
    expect(
      sample(
        text,
        'mt_wire_requests_total{route="/v1/tasks/:taskType",task_type="unknown",status="404"}',
      ),
    ).toBe(40);
    expect(
      sample(text, 'mt_wire_requests_total{route="unmatched",task_type="",status="404"}'),
    ).toBe(40);
    // Nothing of the 80 invented names reached a label.
    expect(text.length - before).toBeLessThan(6_000);
  });

  it.skipIf(!promtool)('keeps the page valid for promtool after traffic and refusals', async () => {
    const { registry, miner } = await start();
    const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
    await client.query([miner], 'echo', { text: 'hi' });
    await client.query([miner], 'nope', { text: 'hi' });
    await fetch(`${miner.url}/v1/tasks/echo`, { method: 'POST', body: '{}' });
    const verdict = await promtoolCheck(await registry.metrics());
    expect(verdict).toEqual({ ok: true, output: '' });
  });
});
