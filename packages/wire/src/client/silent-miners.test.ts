import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../test-support/silent-miners.mjs', import.meta.url));

describe('a validator against miners that never answer', () => {
  it('settles every call at its deadline plus the margin while garbage is collected every 100 ms', async () => {
    // A fresh process, so no long-lived worker's heap hides a timer that a
    // collection would drop (the bug: a weakly held timeout signal never fired).
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', script], {
      timeout: 60_000,
    });
    const report = JSON.parse(stdout) as {
      timeoutMs: number;
      marginMs: number;
      results: Record<string, { status: string; elapsedMs: number }>;
    };
    expect(Object.keys(report.results)).toEqual(['silent', 'headersOnly', 'neverReading']);
    for (const [name, { status, elapsedMs }] of Object.entries(report.results)) {
      expect(status, name).toBe('timeout');
      expect(elapsedMs, name).toBeGreaterThanOrEqual(report.timeoutMs + report.marginMs - 5);
      // Seconds of room for a loaded machine: this shows the call ended, not how fast.
      expect(elapsedMs, name).toBeLessThan(report.timeoutMs + report.marginMs + 10_000);
    }
  });
});
