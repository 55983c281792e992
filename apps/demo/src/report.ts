import type { DemoRun } from './run-network.js';

/** The per-miner numbers the console table and the dashboard show, for one subnet. */
export function standings(run: DemoRun, netuid: number) {
  const epochs = run.epochs[netuid] ?? [];
  const last = epochs.at(-1);
  const earnings = run.earnings[netuid] ?? new Map<string, bigint>();
  return run.miners.map((miner) => {
    const index = last?.hotkeys.indexOf(miner.hotkey) ?? -1;
    const outcomes = run.rounds
      .filter((r) => r.netuid === netuid)
      .flatMap((r) => r.outcomes.filter((o) => o.hotkey === miner.hotkey));
    const proofs = outcomes.filter((o) => o.proofValid !== undefined);
    return {
      miner: miner.name,
      behaviour: miner.behaviour,
      meanScore: outcomes.reduce((a, o) => a + o.score, 0) / Math.max(outcomes.length, 1),
      consensus: index >= 0 ? (last?.consensus[index] ?? 0) : 0,
      incentive: index >= 0 ? (last?.incentive[index] ?? 0) : 0,
      emission: Number(earnings.get(miner.hotkey) ?? 0n) / 1e9,
      proofsValid: proofs.filter((o) => o.proofValid).length,
      proofsChecked: proofs.length,
      meanLatencyMs: outcomes.reduce((a, o) => a + o.latencyMs, 0) / Math.max(outcomes.length, 1),
    };
  });
}
