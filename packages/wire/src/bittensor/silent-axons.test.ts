import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../test-support/silent-axons.mjs', import.meta.url));

describe("Bittensor's wire against peers that stall", () => {
  it('ends every call at its timeout, and every stuck forward at the axon’s bound, while garbage is collected every 100 ms', {
    timeout: 120_000,
  }, async () => {
    // A fresh process, so no long-lived worker's heap hides a timer that a collection would drop.
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], {
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as {
      timeoutMs: number;
      results: Record<string, { status: number; elapsedMs: number; chunks?: number }>;
    };
    const { silent, stalledStream, stuckForward } = report.results;
    expect(silent?.status).toBe(408);
    expect(stalledStream).toMatchObject({ status: 408, chunks: 1 });
    // The axon bounds the forward at 600 ms and answers 408; the dendrite would have waited 30 s.
    expect(stuckForward?.status).toBe(408);
    for (const [name, result] of Object.entries(report.results)) {
      expect(result.elapsedMs, name).toBeGreaterThanOrEqual(report.timeoutMs - 5);
      // Seconds of room for a loaded machine: this shows the call ended, not how fast.
      expect(result.elapsedMs, name).toBeLessThan(report.timeoutMs + 10_000);
    }
  });
});
