import { createMetricsRegistry } from '@mt/telemetry';
import { Hotkey } from '@mt/wire';
import { describe, expect, it } from 'vitest';
import { chainHotkeyOf } from '../chain-hotkey.js';
import { localTestNetwork } from '../test-support/local-network.js';
import { instrumentChain } from './instrument-chain.js';

describe('instrumentChain', () => {
  it('counts and times every contract call by method and outcome, and passes the rest through', async () => {
    const registry = createMetricsRegistry({
      service: 'mt-test',
      version: '0',
      defaultMetrics: false,
    });
    const net = await localTestNetwork();
    const chain = instrumentChain(net.chain, registry);
    try {
      const validator = await chainHotkeyOf(Hotkey.generate());
      await chain.register(net.owner, net.netuid, validator.address);
      await chain.metagraph(net.netuid);
      await chain.metagraph(net.netuid);
      await expect(
        chain.setWeights(validator, net.netuid, { uids: [0], values: [1] }),
      ).rejects.toThrow();
      chain.advanceBlocks(1);
      const text = await registry.metrics();
      expect(text).toContain('mt_chain_calls_total{method="metagraph",outcome="ok"} 2');
      expect(text).toContain('mt_chain_calls_total{method="register",outcome="ok"} 1');
      expect(text).toContain('mt_chain_calls_total{method="setWeights",outcome="error"} 1');
      expect(text).toContain('mt_chain_call_duration_seconds_count{method="metagraph"} 2');
      expect(await chain.head()).toBe(1);
    } finally {
      await chain.close();
    }
  });
});
