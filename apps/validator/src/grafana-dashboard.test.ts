import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateKeypair, LocalChain } from '@mt/chain';
import { instrumentChain, ValidatorMetrics } from '@mt/neurons';
import { SubnetMetrics } from '@mt/subnets';
import { createMetricsRegistry, WireMetrics } from '@mt/telemetry';
import { findPromtool } from '@mt/telemetry/testing';
import { describe, expect, it } from 'vitest';

const docs = new URL('../../../docs/observability/', import.meta.url);
const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', docs), 'utf8')) as {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
};

/** Every metric family a miner or validator process can expose. */
async function exposedFamilies(): Promise<Set<string>> {
  const registry = createMetricsRegistry({ service: 'mt-test', version: '0' });
  new WireMetrics(registry);
  new SubnetMetrics(registry);
  new ValidatorMetrics(registry);
  const chain = instrumentChain(
    LocalChain.create(':memory:', { sudo: (await generateKeypair()).pair.address }),
    registry,
  );
  await chain.close();
  return new Set((await registry.getMetricsAsJSON()).map((metric) => metric.name));
}

describe('the shipped Grafana dashboard', () => {
  it('queries only metrics that the miner and validator really expose', async () => {
    const families = await exposedFamilies();
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
    expect(queries.length).toBeGreaterThan(20);
    const unknown = new Set<string>();
    for (const expr of queries) {
      const names = expr.match(/\b(mt|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        const family = name.replace(/_(bucket|sum|count)$/, '');
        if (!families.has(name) && !families.has(family)) unknown.add(name);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('has a panel for the wire, the subnets, the validator and the chain', () => {
    const text = JSON.stringify(dashboard);
    for (const prefix of ['mt_wire_', 'mt_subnet_proof_', 'mt_validator_weight', 'mt_chain_calls'])
      expect(text).toContain(prefix);
  });

  it.skipIf(!findPromtool())('ships a scrape config that promtool accepts', () => {
    const config = fileURLToPath(new URL('prometheus.yml', docs));
    const checked = spawnSync(findPromtool() ?? 'promtool', ['check', 'config', config], {
      encoding: 'utf8',
    });
    expect(checked.stdout + checked.stderr).toContain('SUCCESS');
    expect(checked.status).toBe(0);
  });
});
