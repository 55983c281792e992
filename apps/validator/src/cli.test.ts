import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateKeypair, LocalChain, saveColdkey } from '@mt/chain';
import { runCaptured } from '@mt/cli';
import { chainHotkeyOf, joinSubnet, startMinerNode, wireAddressOf } from '@mt/neurons';
import { TextGenerationMiner } from '@mt/subnets/text-generation';
import { makeModels } from '@mt/testing';
import { Hotkey } from '@mt/wire';
import { describe, expect, it } from 'vitest';
import { runValidatorCli } from './run-validator-cli.js';

const bin = fileURLToPath(new URL('../bin/mt-validator.js', import.meta.url));

/** The built mt-validator, with the test's models and coldkey passphrase in its environment. */
function startValidator(models: { generator: string; reward: string }, args: string[]) {
  return spawn(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      MT_VALIDATOR_TEXT_MODEL: models.generator,
      MT_VALIDATOR_REWARD_MODEL: models.reward,
      MT_COLDKEY_PASSPHRASE: 'validator passphrase',
    },
  });
}

/** A folder with the test models, a coldkey file and a chain file holding subnet 1, on loopback. */
async function localSubnet(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const models = await makeModels(join(dir, 'models'));
  const chainFile = join(dir, 'chain.sqlite');
  const coldkey = (await generateKeypair()).pair;
  await saveColdkey(join(dir, 'coldkey.json'), coldkey, 'validator passphrase');
  const chain = LocalChain.create(
    chainFile,
    {
      sudo: (await generateKeypair()).pair.address,
      balances: [[coldkey.address, 10n ** 12n]],
      subnetLockCost: 10n ** 9n,
    },
    { allowPrivateEndpoints: true },
  );
  await chain.createSubnet(coldkey, (await generateKeypair('ed25519')).pair.address);
  await chain.setHyperparameters(coldkey, 1, { maxRegistrationsPerBlock: 10, weightsRateLimit: 0 });
  return { dir, models, chainFile, coldkey, chain };
}

describe('mt-validator', () => {
  it('validates a live miner on its own, with real models, and stops after --rounds', async () => {
    const { dir, models, chainFile, coldkey, chain } = await localSubnet('mt-validator-cli-');
    const miner = await TextGenerationMiner.create({ generator: models.generator });
    const minerKey = Hotkey.generate();
    const server = await startMinerNode({ hotkey: minerKey, subnets: [{ miner }] });
    await joinSubnet(chain, {
      netuid: 1,
      hotkey: await chainHotkeyOf(minerKey),
      coldkey,
      endpoint: server.url,
    });
    await chain.close();
    try {
      const child = startValidator(models, [
        '--chain',
        chainFile,
        '--allow-private-endpoints',
        '--key',
        join(dir, 'v.key'),
        '--coldkey',
        join(dir, 'coldkey.json'),
        '--stake',
        '1000',
        '--rounds',
        '2',
        '--interval-ms',
        '50',
        '--metrics-port',
        '0',
        '--log-level',
        'debug',
      ]);
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const [code] = await once(child, 'exit');
      expect(code, stderr).toBe(0);
      // Every line is a JSON log line; none carries the hotkey's secret.
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const hello = lines.find((l) => l.msg === 'validating');
      const rounds = lines.filter((l) => l.msg === 'round');
      expect(hello.netuids).toEqual([1]);
      expect(lines.at(-1)).toMatchObject({ level: 'info', msg: 'stopped' });
      expect(hello.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const { seed } = JSON.parse(await readFile(join(dir, 'v.key'), 'utf8')) as { seed: string };
      expect(seed).toMatch(/^[0-9a-f]{64}$/);
      expect(stdout).not.toContain(seed);
      expect(rounds).toHaveLength(2);
      for (const round of rounds) {
        expect(round.miners).toHaveLength(1);
        expect(round.miners[0].score).toBeGreaterThan(0.5);
      }
      const after = LocalChain.open(chainFile, { allowPrivateEndpoints: true });
      const mine = (await after.metagraph(1)).neurons.find(
        (n) => wireAddressOf(n.hotkey) === hello.address,
      );
      expect(mine).toMatchObject({
        stake: 1000n,
        hotkey: hello.chainHotkey,
        coldkey: coldkey.address,
      });
      await after.close();
    } finally {
      await server.close();
      await miner.close();
    }
  });
});

describe('mt-validator on SIGTERM', () => {
  it('stops within seconds while a silent miner holds its round', async () => {
    const { dir, models, chainFile, coldkey, chain } = await localSubnet('mt-validator-sigterm-');
    // A registered miner that takes the connection and never says a word.
    let connected: () => void = () => undefined;
    const heard = new Promise<void>((resolve) => {
      connected = resolve;
    });
    const silent = createServer((request) => {
      request.resume();
      connected();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    await joinSubnet(chain, {
      netuid: 1,
      hotkey: await chainHotkeyOf(Hotkey.generate()),
      coldkey,
      endpoint: `http://127.0.0.1:${port}`,
    });
    await chain.close();
    try {
      const child = startValidator(models, [
        ...['--chain', chainFile, '--allow-private-endpoints', '--key', join(dir, 'v.key')],
        ...['--coldkey', join(dir, 'coldkey.json'), '--stake', '1000'],
      ]);
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      const exited = once(child, 'exit');
      await heard;
      const signalled = performance.now();
      child.kill('SIGTERM');
      const [code] = await exited;
      // Room for a loaded machine: this shows the stop did not wait for the miner.
      expect(performance.now() - signalled).toBeLessThan(10_000);
      expect(code, stdout).toBe(0);
      const last = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      expect(last).toMatchObject({ msg: 'stopped' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('mt-validator options', () => {
  it('refuses bad or missing options with exit 2, before opening anything', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-validator-opts-'));
    const chain = join(dir, 'chain.sqlite');
    for (const [args, message] of [
      [[], "required option '--chain <file-or-url>' not specified"],
      [['--chain', chain, '--text-model', 'x'], '--text-model needs --reward-model'],
      [['--chain', chain], 'nothing to validate'],
      [['--chain', chain, '--circuit', 'c', '--sharpness', '-1'], 'must be a number > 0'],
      // Sharpness 0 would give every miner the same weight, the honest and the idle.
      [['--chain', chain, '--circuit', 'c', '--sharpness', '0'], 'must be a number > 0'],
      [['--chain', chain, '--circuit', 'c', '--stake', '1.5'], 'must be a whole number ≥ 0'],
      [['--chain', chain, '--circuit', 'c', '--stake', '99999999999999999999'], 'must fit a u64'],
      [['--chain', chain, '--circuit', 'c', '--max-failures', '0'], 'must be an integer ≥ 1'],
      [['--chain', chain, '--rounds', '3', 'extra'], 'too many arguments'],
    ] as const) {
      const { code, stderr } = await runCaptured(runValidatorCli, args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain(message);
    }
    // The chain file was never created.
    await expect(readFile(chain)).rejects.toThrow();
    // A required option may come from the environment instead of the flag.
    process.env.MT_VALIDATOR_CHAIN = chain;
    try {
      const fromEnv = await runCaptured(runValidatorCli, []);
      expect(fromEnv.code).toBe(2);
      expect(fromEnv.stderr).toContain('nothing to validate');
    } finally {
      delete process.env.MT_VALIDATOR_CHAIN;
    }
  });
});
