import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@mt/cli';
import { writeLinearOnnx } from '@mt/testing';
import { describe, expect, it } from 'vitest';
import { ModelManager } from '../manager/model-manager.js';
import { runModelsCli } from './run-models-cli.js';

const cli = (args: string[]) => runCaptured(runModelsCli, args);

describe('mt-models', () => {
  it('imports, aliases, lists and shows models', async () => {
    const store = await mkdtemp(join(tmpdir(), 'mt-cli-'));
    const src = await mkdtemp(join(tmpdir(), 'mt-cli-src-'));
    await writeLinearOnnx(join(src, 'model.onnx'), [[1], [2]], [0]);
    const imported = await cli([
      '--store',
      store,
      'import',
      join(src, 'model.onnx'),
      '--model',
      'lin',
      '--version',
      '1.0.0',
      '--framework',
      'onnx',
      '--task',
      'regression',
      '--json',
    ]);
    expect(imported.stderr).toBe('');
    expect(JSON.parse(imported.stdout)).toMatchObject({ modelId: 'lin', version: '1.0.0' });
    expect(
      JSON.parse(
        (await cli(['--store', store, 'alias', 'lin', 'production', '1.0.0', '--json'])).stdout,
      ),
    ).toEqual({ production: '1.0.0' });
    expect(JSON.parse((await cli(['--store', store, 'list', '--json'])).stdout)).toEqual([
      {
        id: 'lin',
        framework: 'onnx',
        taskType: 'regression',
        versions: ['1.0.0'],
        latest: '1.0.0',
        aliases: { production: '1.0.0' },
      },
    ]);
    const shown = JSON.parse((await cli(['--store', store, 'show', 'lin', '--json'])).stdout) as {
      versionDetails: { contentHash: string }[];
    };
    expect(shown.versionDetails[0]?.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists, shows and exports runs', async () => {
    const store = await mkdtemp(join(tmpdir(), 'mt-cli-'));
    const manager = await ModelManager.open({ root: store });
    const run = manager.experiments.startRun('exp', { name: 'r1' });
    manager.experiments.logMetric(run.id, 'loss', 0.5, { step: 0, timestamp: 7 });
    manager.close();
    expect(
      JSON.parse(
        (await cli(['--store', store, 'runs', 'list', '--experiment', 'exp', '--json'])).stdout,
      ),
    ).toEqual([
      expect.objectContaining({
        id: run.id,
        name: 'r1',
        status: 'running',
        metrics: { loss: 0.5 },
      }),
    ]);
    expect(
      JSON.parse((await cli(['--store', store, 'runs', 'show', run.id, '--json'])).stdout),
    ).toMatchObject({ id: run.id });
    expect(
      (await cli(['--store', store, 'runs', 'export', run.id, '--format', 'csv'])).stdout,
    ).toBe('key,step,value,timestamp\nloss,0,0.5,7\n');
  });

  it('exits 1 with the typed error when the store refuses, and 2 on bad usage', async () => {
    const store = await mkdtemp(join(tmpdir(), 'mt-cli-'));
    const missing = await cli(['--store', store, 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Model 'nope' does not exist.*\[MT_MODELS_NOT_FOUND\]/);
    expect((await cli(['--store', store, 'frobnicate'])).code).toBe(2);
    expect((await cli(['--store', store, 'runs', 'export', 'x', '--format', 'xml'])).code).toBe(2);
    expect((await cli(['--store', store, 'import', '/tmp', '--model', 'm'])).stderr).toMatch(
      /required option '--version <version>' not specified/,
    );
    // --store belongs to the program, before the command; after it, it is refused.
    expect((await cli(['list', '--store', store])).code).toBe(2);
    const table = await cli(['--store', store, 'list']);
    expect(table).toMatchObject({ code: 0, stdout: '(none)\n' });
    expect((await cli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
