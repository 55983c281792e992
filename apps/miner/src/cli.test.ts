import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeypair, LocalChain, saveColdkey } from '@mt/chain';
import { runCaptured } from '@mt/cli';
import { senderAddressOf, wireAddressOf } from '@mt/neurons';
import { makeModels } from '@mt/testing';
import { writeBittensorHotkey } from '@mt/wire/bittensor';
import { describe, expect, it } from 'vitest';
import { runMinerCli } from './run-miner-cli.js';

const bin = fileURLToPath(new URL('../bin/mt-miner.js', import.meta.url));

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

/**
 * A LocalChain file in `dir` with one subnet, owned by a coldkey that is
 * saved beside it as `coldkey.json` (passphrase `miner passphrase`).
 */
async function chainWithSubnet(dir: string) {
  const chainFile = join(dir, 'chain.sqlite');
  const coldkey = (await generateKeypair()).pair;
  await saveColdkey(join(dir, 'coldkey.json'), coldkey, 'miner passphrase');
  const chain = LocalChain.create(
    chainFile,
    {
      sudo: (await generateKeypair()).pair.address,
      balances: [[coldkey.address, 10n ** 12n]],
      subnetLockCost: 10n ** 9n,
    },
    { allowPrivateEndpoints: true },
  );
  const netuid = await chain.createSubnet(coldkey, (await generateKeypair('ed25519')).pair.address);
  await chain.close();
  return { chainFile, coldkey, netuid };
}

describe('mt-miner', () => {
  it('serves real models on its own, registers on the chain, and shuts down cleanly on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-miner-cli-'));
    const models = await makeModels(join(dir, 'models'));
    const { chainFile, coldkey, netuid } = await chainWithSubnet(dir);
    // Flags, environment and config file all feed it.
    const { child, firstLine } = start(
      [
        '--key',
        join(dir, 'miner.key'),
        '--chain',
        chainFile,
        '--allow-private-endpoints',
        '--coldkey',
        join(dir, 'coldkey.json'),
      ],
      { MT_MINER_TEXT_MODEL: models.generator, MT_COLDKEY_PASSPHRASE: 'miner passphrase' },
    );
    const started = JSON.parse(await firstLine);
    expect(started.subnets).toEqual(['text-generation']);
    expect((await stat(join(dir, 'miner.key'))).mode & 0o777).toBe(0o600);
    const reopened = LocalChain.open(chainFile, { allowPrivateEndpoints: true });
    const { neurons } = await reopened.metagraph(netuid);
    expect(
      neurons.filter((n) => n.endpoint !== '').map((n) => [wireAddressOf(n.hotkey), n.endpoint]),
    ).toEqual([[started.address, started.url]]);
    expect(neurons.find((n) => n.endpoint !== '')?.coldkey).toBe(coldkey.address);
    await reopened.close();
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 120_000);

  it("serves from a Bittensor wallet's hotkey on Bittensor's wire (--wallet, --hotkey, --wallet-path)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-miner-wallet-'));
    const models = await makeModels(join(dir, 'models'));
    const { chainFile, netuid } = await chainWithSubnet(dir);
    const hotkey = await writeBittensorHotkey(
      { wallet: 'mywallet', hotkey: 'miner1', path: join(dir, 'wallets') },
      new Uint8Array(32).fill(7),
    );
    const { child, firstLine } = start(
      [
        ...['--wallet', 'mywallet', '--hotkey', 'miner1', '--wallet-path', join(dir, 'wallets')],
        ...[
          '--chain',
          chainFile,
          '--allow-private-endpoints',
          '--coldkey',
          join(dir, 'coldkey.json'),
        ],
      ],
      { MT_MINER_TEXT_MODEL: models.generator, MT_COLDKEY_PASSPHRASE: 'miner passphrase' },
    );
    try {
      const started = JSON.parse(await firstLine);
      expect(started).toMatchObject({ address: hotkey.address, wire: 'bittensor' });
      const reopened = LocalChain.open(chainFile, { allowPrivateEndpoints: true });
      const published = (await reopened.metagraph(netuid)).neurons.find((n) => n.endpoint !== '');
      await reopened.close();
      expect(published && senderAddressOf(published.hotkey, 'bittensor')).toBe(hotkey.address);
      expect(published?.endpoint).toBe(started.url);
      // Bittensor's wire: an unsigned synapse is refused as Python's dendrite reads a 401.
      const unsigned = await fetch(`${started.url}/text-generation`, {
        method: 'POST',
        body: '{}',
      });
      expect(unsigned.status).toBe(401);
      expect(unsigned.headers.get('bt_header_axon_status_code')).toBe('401');
      expect((await fetch(`${started.url}/metrics`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 120_000);

  it('publishes its axon on a subtensor node (spec 202 in chopsticks) by --chain ws://, registered by its coldkey', async () => {
    const { startSubtensorDevnet } = await import('@mt/chain/devnet');
    const { SubtensorChain } = await import('@mt/chain/subtensor');
    const dir = await mkdtemp(join(tmpdir(), 'mt-miner-subtensor-'));
    const models = await makeModels(join(dir, 'models'));
    const devnet = await startSubtensorDevnet({ runtime: 'spec202' });
    // The miner publishes a loopback address: this reader is on the same local network.
    const chain = await SubtensorChain.connect(devnet.url, { allowPrivateEndpoints: true });
    try {
      const sudo = (await generateKeypair()).pair;
      const coldkey = (await generateKeypair()).pair;
      await devnet.setSudo(sudo.address);
      for (const key of [sudo, coldkey]) await devnet.setBalance(key.address, 10n ** 15n);
      await saveColdkey(join(dir, 'coldkey.json'), coldkey, 'miner passphrase');
      await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkRateLimit', [0]);
      await chain.sudo(sudo, 'adminUtils', 'sudoSetNetworkMinLockCost', [1_000_000_000]);
      const netuid = await chain.createSubnet(
        coldkey,
        (await generateKeypair('ed25519')).pair.address,
      );
      // serve_axon refuses 127.0.0.1; 127.0.0.2 is loopback too.
      const { child, firstLine } = start(
        [
          ...[
            '--key',
            join(dir, 'miner.key'),
            '--chain',
            devnet.url,
            '--allow-private-endpoints',
            '--coldkey',
            join(dir, 'coldkey.json'),
          ],
          ...['--host', '127.0.0.2', '--text-netuid', String(netuid)],
        ],
        { MT_MINER_TEXT_MODEL: models.generator, MT_COLDKEY_PASSPHRASE: 'miner passphrase' },
      );
      const started = JSON.parse(await firstLine);
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      const published = (await chain.metagraph(netuid)).neurons.find((n) => n.endpoint !== '');
      expect(published && wireAddressOf(published.hotkey)).toBe(started.address);
      expect(published).toMatchObject({ endpoint: started.url, coldkey: coldkey.address });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      await chain.close();
      await devnet.stop();
    }
  }, 180_000);

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

describe('mt-miner options', () => {
  const run = (args: string[]) => runCaptured(runMinerCli, args);

  it('refuses bad options, from flags, the environment or the config file, before doing anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-miner-opts-'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ textModel: 'x', prot: 8091 }));
    const badPort = join(dir, 'port.json');
    await writeFile(badPort, JSON.stringify({ port: 'eighty' }));
    for (const [args, message] of [
      [['--frobnicate'], "unknown option '--frobnicate'"],
      [['--strategy', 'evil'], 'Allowed choices are honest, lazy, cheating'],
      [['--port', '99999'], 'must be an integer from 0 to 65535'],
      [['--config', config], "unknown setting 'prot'"],
      [['--config', badPort], "'port' must be an integer from 0 to 65535"],
      [['--worker'], '--worker needs --redis URL'],
      [['--key', join(dir, 'k')], 'nothing to serve'],
    ] as const) {
      const result = await run([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    // Nothing was started: no key file was written.
    await expect(stat(join(dir, 'k'))).rejects.toThrow();
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('takes a setting from the environment, checked like the flag', async () => {
    process.env.MT_MINER_PORT = 'x';
    try {
      const result = await run(['--text-model', 'nowhere']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('must be an integer from 0 to 65535');
    } finally {
      delete process.env.MT_MINER_PORT;
    }
  });
});
