import { spawn, spawnSync } from 'node:child_process';
import { TelemetryError } from '../errors.js';

/** Where `promtool` is, or undefined when it is not installed (Debian: `apt-get install prometheus`). */
export function findPromtool(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : undefined;
}

/** What `promtool check metrics` said of an exposition. */
export interface PromtoolVerdict {
  /** Exit code 0: parsed, and no lint problems. */
  ok: boolean;
  /** Its output: each problem on a line. */
  output: string;
}

/**
 * Runs Prometheus's own `promtool check metrics` over `text` (the exposition
 * format), which parses it as Prometheus does and lints names, units, HELP
 * and TYPE. For tests of your own exporters.
 *
 * @example
 * ```ts
 * const verdict = await promtoolCheck(await registry.metrics());
 * expect(verdict.output).toBe('');
 * ```
 */
export function promtoolCheck(text: string, promtool = findPromtool()): Promise<PromtoolVerdict> {
  if (promtool === undefined)
    return Promise.reject(
      new TelemetryError(
        'MT_TELEMETRY_PROMTOOL_MISSING',
        'promtool is not installed; apt-get install prometheus (.ci/run does)',
      ),
    );
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
    child.stdin.end(text);
  });
}
