import { newTask, resultSchema, type SubnetMiner } from '@mt/protocol';
import { SubnetMetrics, withResilience } from '@mt/subnets';
import { createMetricsRegistry } from '@mt/telemetry';
import { findPromtool, promtoolCheck } from '@mt/telemetry/testing';
import { Hotkey, ValidatorClient } from '@mt/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinerNode } from './miner-node.js';

const promtool = findPromtool();
if (!promtool && process.env.CI)
  throw new Error("promtool is not installed; .ci/run installs Debian's prometheus");
if (!promtool)
  console.warn('SKIPPED: the /metrics promtool check needs promtool (apt-get install prometheus)');

/** A miner that answers with its name; two of them stand for the demo's text and proof subnets. */
function named(name: string): SubnetMiner {
  return { name, version: '1.0.0', solveTask: async () => ({ resultData: { from: name } }) };
}

const registry = createMetricsRegistry({ service: 'mt-miner', version: '0.0.0-test' });
const metrics = new SubnetMetrics(registry);
const miners = ['alpha', 'beta'].map((name) => withResilience(named(name), { metrics }));
const hotkey = Hotkey.generate();
let server: Awaited<ReturnType<typeof startMinerNode>>;

beforeAll(async () => {
  server = await startMinerNode({
    hotkey,
    registry,
    subnets: miners.map((miner) => ({ miner })),
  });
  const client = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
  const miner = { address: hotkey.address, url: server.url };
  for (const { name } of miners) {
    const task = newTask(
      { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0 },
      { taskData: { n: 1 }, timeoutMs: 5_000 },
    );
    const [outcome] = await client.query([miner], name, task, { responseSchema: resultSchema });
    expect(outcome?.status).toBe('ok');
  }
  // A request nobody signed: an envelope refusal to count.
  await fetch(`${server.url}/v1/tasks/alpha`, { method: 'POST', body: '{}' });
});

afterAll(async () => {
  await server?.close();
});

describe("a miner's /metrics", () => {
  it('is one page with the process, build, wire and every subnet metrics, each name once', async () => {
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await response.text();
    expect(text.match(/# HELP mt_subnet_solutions_total /g)).toHaveLength(1);
    expect(text).toContain('mt_subnet_solutions_total{subnet="alpha",outcome="computed"} 1');
    expect(text).toContain('mt_subnet_solutions_total{subnet="beta",outcome="computed"} 1');
    expect(text).toMatch(/mt_build_info\{service="mt-miner",version="[^"]+",node="[^"]+"\} 1/);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain(
      'mt_wire_requests_total{route="/v1/tasks/:taskType",task_type="alpha",status="200"} 1',
    );
    expect(text).toMatch(/mt_wire_envelope_refusals_total\{code="MT_WIRE_[A-Z_]+"\} 1/);
  });

  it.skipIf(!promtool)('passes promtool check metrics', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(await promtoolCheck(text)).toEqual({ ok: true, output: '' });
  });
});
