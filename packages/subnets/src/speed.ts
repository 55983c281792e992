import type { Observation } from '@mt/protocol';

/**
 * Speed in [0, 1] from what the validator measured itself: 1 for an instant
 * answer, 0 for one that took the whole budget. A miner's own
 * `executionTimeMs` never enters it.
 */
export function observedSpeed(observation: Observation): number {
  if (!(observation.timeoutMs > 0)) return 0;
  return Math.min(1, Math.max(0, 1 - observation.latencyMs / observation.timeoutMs));
}
