import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetricsRegistry } from '@mt/telemetry';
import { describe, expect, it } from 'vitest';
import { instrumentChain } from './instrument-chain.js';
import { LocalChain } from './local-chain.js';

describe('instrumentChain', () => {
  it('counts and times every contract call by method and outcome, and passes the rest through', async () => {
    const registry = createMetricsRegistry({
      service: 'mt-test',
      version: '0',
      defaultMetrics: false,
    });
    const chain = instrumentChain(
      LocalChain.open(join(await mkdtemp(join(tmpdir(), 'mt-chain-metrics-')), 'c.sqlite')),
      registry,
    );
    try {
      chain.createSubnet({ netuid: 1, name: 'text', tempo: 4, emissionPerEpoch: 1n });
      await chain.register(1, 'mtValidator');
      await chain.neurons(1);
      await chain.neurons(1);
      await expect(chain.setWeights(1, 'mtNobody', [0], [1])).rejects.toThrow();
      chain.advanceBlocks(1);
      const text = await registry.metrics();
      expect(text).toContain('mt_chain_calls_total{method="neurons",outcome="ok"} 2');
      expect(text).toContain('mt_chain_calls_total{method="register",outcome="ok"} 1');
      expect(text).toContain('mt_chain_calls_total{method="setWeights",outcome="error"} 1');
      expect(text).toContain('mt_chain_call_duration_seconds_count{method="neurons"} 2');
      expect(await chain.currentBlock()).toBe(1);
    } finally {
      chain.close();
    }
  });
});
