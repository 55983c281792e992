import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalChain } from '@mt/app-chain';
import { makeModels } from '@mt/testing';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function start(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
    });
    child.once('exit', (code) => reject(new Error(`mt-miner exited with ${code}`)));
  });
  return { child, firstLine };
}

describe('mt-miner', () => {
  it('serves real models on its own, registers on the chain, and shuts down cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-miner-cli-'));
    const models = await makeModels(join(dir, 'models'));
    const chainFile = join(dir, 'chain.sqlite');
    const chain = LocalChain.open(chainFile);
    chain.createSubnet({ netuid: 1, name: 'text-generation', tempo: 4, emissionPerEpoch: 1n });
    chain.close();
    // Flags, environment and config file all feed it.
    const { child, firstLine } = start(['--key', join(dir, 'miner.key'), '--chain', chainFile], {
      MT_MINER_TEXT_MODEL: models.generator,
    });
    const started = JSON.parse(await firstLine);
    expect(started.subnets).toEqual(['text-generation']);
    expect((await stat(join(dir, 'miner.key'))).mode & 0o777).toBe(0o600);
    const reopened = LocalChain.open(chainFile);
    expect((await reopened.neurons(1)).map((n) => [n.hotkey, n.url])).toEqual([
      [started.address, started.url],
    ]);
    reopened.close();
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 120_000);

  it('refuses to start with nothing to serve', async () => {
    const child = spawn(
      process.execPath,
      [bin, '--key', join(await mkdtemp(join(tmpdir(), 'k-')), 'k')],
      { stdio: 'pipe' },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('nothing to serve');
  });
});
