import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The benchmarks BENCHMARKS.md quotes, run in a quick mode so they cannot rot:
// each must finish, with no failed request, and print its ratios. The figures
// of a quick run on a loaded machine mean nothing and are not checked.

const run = (script: string, env: Record<string, string>) =>
  promisify(execFile)(
    process.execPath,
    [fileURLToPath(new URL(`../bench/${script}`, import.meta.url))],
    {
      env: { ...process.env, ...env },
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );

describe('the wire benchmarks, in their quick mode', () => {
  it('bench:sr25519 verifies with @scure, the wasm schnorrkel and ours, beside ed25519', {
    timeout: 300_000,
  }, async () => {
    const { stdout } = await run('sr25519.bench.mjs', { BENCH_ROUNDS: '20' });
    expect(stdout).toMatch(/sr25519 verify, ours +[\d.]+ µs/);
    expect(stdout).toMatch(/ours \/ @scure verify [\d.]+×/);
  });

  it('bench:ed25519 signs and verifies with node:crypto and libsodium', {
    timeout: 300_000,
  }, async () => {
    const { stdout } = await run('ed25519.bench.mjs', { BENCH_ROUNDS: '50' });
    expect(stdout).toMatch(/libsodium \/ node:crypto: verify [\d.]+, sign [\d.]+/);
  });

  it('bench: the bare route, our envelope both ways and the Bittensor axon both ways, every request answered', {
    timeout: 300_000,
  }, async () => {
    const { stdout } = await run('wire.bench.mjs', {
      BENCH_DURATION: '1',
      BENCH_POOL: '30000',
      BENCH_AXON_POOL: '5000',
    });
    expect(stdout).not.toMatch(/FAILED/);
    expect(stdout).toMatch(/Bittensor axon \/ bare += [\d.]+/);
    expect(stdout).toMatch(
      /Bittensor axon \/ signed \(node:crypto\): inline [\d.]+, verifier pool [\d.]+/,
    );
    expect(stdout).toMatch(
      /Bittensor axon \/ Python axon's 36 req\/s: inline [\d.]+, verifier pool [\d.]+/,
    );
  });
});
