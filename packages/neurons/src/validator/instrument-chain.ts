import type { ChainClient } from '@mt/chain';
import { counterIn, histogramIn, type Registry } from '@mt/telemetry';

/**
 * `chain` with every call of the `ChainClient` contract measured in
 * `registry`: `mt_chain_calls_total{method,outcome}` (ok or error) and
 * `mt_chain_call_duration_seconds{method}`. Its other methods (a `LocalChain`'s
 * `advanceBlocks`, `close`, `blocks`, ...) pass through unmeasured; the label values are the contract's method names, never
 * arguments.
 */
export function instrumentChain<C extends ChainClient>(chain: C, registry: Registry): C {
  const calls = counterIn(registry, {
    name: 'mt_chain_calls_total',
    help: 'Calls to the chain client, by method and outcome (ok or error)',
    labelNames: ['method', 'outcome'],
  });
  const seconds = histogramIn(registry, {
    name: 'mt_chain_call_duration_seconds',
    help: 'Time a chain client call took, by method',
    labelNames: ['method'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 12, 30],
  });
  return new Proxy(chain, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the chain itself: its private fields are not the proxy's.
      if (typeof property !== 'string' || !CONTRACT.has(property)) return value.bind(target);
      return async (...args: unknown[]) => {
        const stop = seconds.startTimer({ method: property });
        try {
          const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
          calls.inc({ method: property, outcome: 'ok' });
          return result;
        } catch (error) {
          calls.inc({ method: property, outcome: 'error' });
          throw error;
        } finally {
          stop();
        }
      };
    },
  });
}

const CONTRACT = new Set<string>([
  'head',
  'nextEpochBlock',
  'balance',
  'subnets',
  'subnet',
  'createSubnet',
  'setHyperparameters',
  'register',
  'publishEndpoint',
  'addStake',
  'removeStake',
  'setWeights',
  'commitWeights',
  'revealWeights',
  'pendingCommits',
  'weightsOf',
  'metagraph',
] satisfies (keyof ChainClient)[]);
