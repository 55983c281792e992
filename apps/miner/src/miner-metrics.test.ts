import { resultSchema, type Solution, type Task } from '@mt/protocol';
import { Hotkey, ValidatorClient } from '@mt/protocol/wire';
import { BaseSubnet } from '@mt/subnets';
import { findPromtool, promtoolCheck } from '@mt/telemetry/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMinerNode } from './miner-node.js';

const promtool = findPromtool();
if (!promtool && process.env.CI)
  throw new Error("promtool is not installed; .ci/run installs Debian's prometheus");
if (!promtool)
  console.warn('SKIPPED: the /metrics promtool check needs promtool (apt-get install prometheus)');

/** A subnet that answers with its name; two of them stand for the demo's text and proof subnets. */
class NamedSubnet extends BaseSubnet {
  constructor(name: string) {
    super({ name, version: '1.0.0', description: `answers ${name}` });
  }
  protected createTaskImpl() {
    return { taskData: { n: 1 } };
  }
  protected async solve(_task: Task): Promise<Solution> {
    return { resultData: { from: this.identity.name } };
  }
  protected scoreResultImpl() {
    return { value: 1 };
  }
}

// Each with a registry of its own, as a library user who passes none gets.
const subnets = [new NamedSubnet('alpha'), new NamedSubnet('beta')];
const hotkey = Hotkey.generate();
let server: Awaited<ReturnType<typeof startMinerNode>>;

beforeAll(async () => {
  await Promise.all(subnets.map((s) => s.setup()));
  server = await startMinerNode({ hotkey, subnets: subnets.map((subnet) => ({ subnet })) });
  const client = new ValidatorClient({ hotkey: Hotkey.generate() });
  const miner = { address: hotkey.address, url: server.url };
  for (const subnet of subnets) {
    const task = await subnet.createTask({
      minerUid: '1',
      difficulty: 0.5,
      subnetUid: 1,
      cycle: 0,
    });
    const [outcome] = await client.query([miner], subnet.identity.name, task, {
      responseSchema: resultSchema,
    });
    expect(outcome?.status).toBe('ok');
  }
  // A request nobody signed: an envelope refusal to count.
  await fetch(`${server.url}/v1/tasks/alpha`, { method: 'POST', body: '{}' });
});

afterAll(async () => {
  await server?.close();
  await Promise.all(subnets.map((s) => s.teardown()));
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
