import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricConflictError } from '../errors.js';
import { findPromtool, promtoolCheck } from '../testing/promtool.js';
import { counterIn, gaugeIn, histogramIn } from './metric-family.js';
import { createMetricsRegistry, metricsText } from './metrics-registry.js';
import { startMetricsServer } from './metrics-server.js';

const promtool = findPromtool();
if (!promtool && process.env.CI)
  throw new Error("promtool is not installed; .ci/run installs Debian's prometheus");
if (!promtool)
  console.warn('SKIPPED: the promtool checks need promtool (apt-get install prometheus)');

/** Two components defining the same family, as two subnets on one miner do. */
function solutions(registry: Registry) {
  return counterIn(registry, {
    name: 'mt_test_solutions_total',
    help: 'Solutions, by subnet',
    labelNames: ['subnet'],
  });
}

describe('metric families shared in one registry', () => {
  it('hands every component the same family, so each name has one HELP and one TYPE', async () => {
    const registry = new Registry();
    solutions(registry).inc({ subnet: 'text' });
    solutions(registry).inc({ subnet: 'proofs' }, 2);
    const text = await registry.metrics();
    expect(text.match(/# HELP mt_test_solutions_total/g)).toHaveLength(1);
    expect(text).toContain('mt_test_solutions_total{subnet="text"} 1');
    expect(text).toContain('mt_test_solutions_total{subnet="proofs"} 2');
  });

  it('refuses a second definition of a name with another type, help or labels', () => {
    const registry = new Registry();
    solutions(registry);
    const config = { name: 'mt_test_solutions_total', help: 'Solutions, by subnet' };
    expect(() => gaugeIn(registry, { ...config, labelNames: ['subnet'] })).toThrow(
      MetricConflictError,
    );
    expect(() => histogramIn(registry, { ...config, labelNames: ['subnet'] })).toThrow(
      /already registered as a counter/,
    );
    expect(() => counterIn(registry, { ...config, help: 'other', labelNames: ['subnet'] })).toThrow(
      /with the help/,
    );
    try {
      counterIn(registry, { ...config, labelNames: ['miner'] });
      expect.unreachable();
    } catch (error) {
      expect(MetricConflictError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('[subnet], not [miner]');
    }
  });
});

describe('createMetricsRegistry', () => {
  it('carries the process default metrics and build info', async () => {
    const registry = createMetricsRegistry({ service: 'mt-test', version: '1.2.3' });
    const text = await registry.metrics();
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toContain(
      `mt_build_info{service="mt-test",version="1.2.3",node="${process.versions.node}"} 1`,
    );
  });

  it('leaves the default metrics out when asked', async () => {
    const text = await createMetricsRegistry({
      service: 's',
      version: '0',
      defaultMetrics: false,
    }).metrics();
    expect(text).not.toContain('process_cpu_seconds_total');
    expect(text).toContain('mt_build_info');
  });

  it.skipIf(!promtool)('passes promtool check metrics with components sharing it', async () => {
    const registry = createMetricsRegistry({ service: 'mt-test', version: '1.2.3' });
    solutions(registry).inc({ subnet: 'text' });
    solutions(registry).inc({ subnet: 'proofs' });
    const verdict = await promtoolCheck(await registry.metrics());
    expect(verdict).toEqual({ ok: true, output: '' });
  });

  it.skipIf(!promtool)('promtool fails the concatenation this replaces', async () => {
    // Two registries' pages glued together: the miner's /metrics before (issue 17).
    const a = new Registry();
    const b = new Registry();
    solutions(a).inc({ subnet: 'text' });
    solutions(b).inc({ subnet: 'proofs' });
    const verdict = await promtoolCheck(`${await a.metrics()}\n${await b.metrics()}`);
    expect(verdict.ok).toBe(false);
    expect(verdict.output).toMatch(/second HELP line/);
  });
});

describe('metricsText', () => {
  it('reads a registry passed twice once, and merges distinct ones', async () => {
    const a = new Registry();
    const b = new Registry();
    solutions(a).inc({ subnet: 'text' });
    gaugeIn(b, { name: 'mt_test_depth', help: 'Depth' }).set(3);
    const text = await metricsText([a, b, a]);
    expect(text.match(/# HELP mt_test_solutions_total/g)).toHaveLength(1);
    expect(text).toContain('mt_test_depth 3');
  });

  it('joins families of one name from different registries into one', async () => {
    const a = new Registry();
    const b = new Registry();
    solutions(a).inc({ subnet: 'text' });
    solutions(b).inc({ subnet: 'proofs' }, 2);
    histogramIn(a, { name: 'mt_test_seconds', help: 'Time', buckets: [1] }).observe(0.5);
    histogramIn(b, { name: 'mt_test_seconds', help: 'Time', buckets: [1] }).observe(2);
    const text = await metricsText([a, b]);
    expect(text.match(/# HELP mt_test_solutions_total/g)).toHaveLength(1);
    expect(text.match(/# TYPE mt_test_seconds histogram/g)).toHaveLength(1);
    expect(text).toContain('mt_test_solutions_total{subnet="text"} 1');
    expect(text).toContain('mt_test_solutions_total{subnet="proofs"} 2');
    expect(text).toContain('mt_test_seconds_bucket{le="1"} 1');
    expect(text).toContain('mt_test_seconds_count 2');
    if (promtool) expect(await promtoolCheck(text)).toEqual({ ok: true, output: '' });
  });
});

describe('startMetricsServer', () => {
  it('serves GET /metrics on loopback and nothing else', async () => {
    const registry = createMetricsRegistry({ service: 'mt-test', version: '0' });
    const server = await startMetricsServer([registry]);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      expect(await response.text()).toContain('mt_build_info');
      expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
