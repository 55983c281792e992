import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defineCli } from './define-cli.js';
import { integer } from './option-parsers.js';
import { runCaptured } from './run-captured.js';
import { loggingOptions, settingsSources } from './settings-sources.js';

let seen: Record<string, unknown> = {};
const runDaemon = defineCli(
  { name: 'mt-daemon', version: '0.0.1', description: 'A daemon.' },
  (program) => {
    program
      .requiredOption('--chain <file>', 'the chain')
      .option('--port <n>', 'port', integer({ min: 0, max: 65_535 }), 8091)
      .option('--text-model <dir>', 'a model')
      .option('--worker', 'worker only');
    loggingOptions(program);
    settingsSources(program, { envPrefix: 'MT_DAEMON_' });
    program.action((options: Record<string, unknown>) => {
      seen = options;
    });
  },
);

// Every run but the one about the required option gives it on the command line.
const run = (...args: string[]) => runCaptured(runDaemon, ['--chain', 'c.sqlite', ...args]);

afterEach(() => {
  for (const name of Object.keys(process.env))
    if (name.startsWith('MT_DAEMON_')) delete process.env[name];
  seen = {};
});

describe('settingsSources', () => {
  it('takes flags over the environment over the config file over defaults', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'config.json');
    await writeFile(file, JSON.stringify({ port: 7000, textModel: 'from-file', worker: true }));
    process.env.MT_DAEMON_TEXT_MODEL = 'from-env';
    expect((await run('--config', file)).code).toBe(0);
    expect(seen).toMatchObject({ port: 7000, textModel: 'from-env', worker: true });
    expect((await run('--config', file, '--port', '7001')).code).toBe(0);
    expect(seen.port).toBe(7001);
    delete process.env.MT_DAEMON_TEXT_MODEL;
    expect((await run()).code).toBe(0);
    expect(seen).toMatchObject({ port: 8091 });
    expect(seen.textModel).toBeUndefined();
  });

  it.each([
    [{ port: 'eighty' }, "'port' must be an integer from 0 to 65535"],
    [{ prot: 1 }, "unknown setting 'prot'"],
    [{ worker: 'yes' }, "'worker' must be true or false"],
    [{ logLevel: 'loud' }, "'logLevel' must be one of trace, debug"],
  ])('checks the config file %j as it checks flags, exit 2', async (settings, message) => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'config.json');
    await writeFile(file, JSON.stringify(settings));
    const result = await run('--config', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(seen).toEqual({});
  });

  it('checks the environment as it checks flags, and refuses a config that is not an object', async () => {
    process.env.MT_DAEMON_PORT = '-3';
    expect((await run()).stderr).toContain(
      "MT_DAEMON_PORT: 'port' must be an integer from 0 to 65535",
    );
    delete process.env.MT_DAEMON_PORT;
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'config.json');
    await writeFile(file, '[1, 2]');
    const result = await run('--config', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must hold a JSON object of settings');
    expect((await run('--log-level', 'loud')).code).toBe(2);
  });

  it('takes a required option from the environment or the file, and says where it can come from', async () => {
    expect((await runCaptured(runDaemon, [])).stderr).toContain(
      "required option '--chain <file>' not specified (nor MT_DAEMON_CHAIN, nor 'chain' in --config)",
    );
    process.env.MT_DAEMON_CHAIN = 'env.sqlite';
    expect((await runCaptured(runDaemon, [])).code).toBe(0);
    expect(seen.chain).toBe('env.sqlite');
    delete process.env.MT_DAEMON_CHAIN;
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'config.json');
    await writeFile(file, JSON.stringify({ chain: 'file.sqlite' }));
    expect((await runCaptured(runDaemon, ['--config', file])).code).toBe(0);
    expect(seen.chain).toBe('file.sqlite');
  });

  it('refuses an unclear boolean in the environment and a settings file too large to be one', async () => {
    process.env.MT_DAEMON_WORKER = 'yes';
    const unclear = await run();
    expect(unclear.code).toBe(2);
    expect(unclear.stderr).toContain("MT_DAEMON_WORKER must be true, false, 1 or 0, not 'yes'");
    process.env.MT_DAEMON_WORKER = '0';
    expect((await run()).code).toBe(0);
    expect(seen.worker).toBe(false);
    delete process.env.MT_DAEMON_WORKER;
    seen = {};
    // 2 MiB of valid JSON: refused before it is read.
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'huge.json');
    await writeFile(file, JSON.stringify({ textModel: 'x'.repeat(2 * 1024 * 1024) }));
    const huge = await run('--config', file);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('a settings file is at most 65536');
    expect(seen).toEqual({});
  });
});
