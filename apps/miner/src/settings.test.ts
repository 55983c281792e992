import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from './settings.js';

describe('resolveSettings', () => {
  it('takes flags over the environment over the config file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'miner.json');
    await writeFile(
      file,
      JSON.stringify({ textModel: 'from-file', port: 8000, circuit: 'file-circuit' }),
    );
    const settings = await resolveSettings(
      ['text-model', 'port', 'circuit', 'redis'],
      { port: '9001' },
      {
        envPrefix: 'MT_MINER_',
        configFile: file,
        env: { MT_MINER_TEXT_MODEL: 'from-env', MT_MINER_PORT: '9002' },
      },
    );
    expect(settings).toEqual({
      'text-model': 'from-env',
      port: '9001',
      circuit: 'file-circuit',
      redis: undefined,
    });
  });

  it('refuses a config file that is not a JSON object', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-settings-')), 'bad.json');
    await writeFile(file, '[1, 2]');
    await expect(
      resolveSettings(['port'], {}, { envPrefix: 'X_', configFile: file }),
    ).rejects.toThrow(/must hold a JSON object/);
  });
});
