import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactTamperedError, InvalidModelInputError, ModelNotFoundError } from '../errors.js';
import { ModelManager } from '../manager/model-manager.js';

const open: ModelManager[] = [];
afterEach(() => {
  for (const manager of open.splice(0)) manager.close();
});

async function fresh() {
  let clock = 1_000;
  const manager = await ModelManager.open({
    root: await mkdtemp(join(tmpdir(), 'mt-exp-')),
    now: () => (clock += 10),
  });
  open.push(manager);
  return manager;
}

describe('ExperimentTracker', () => {
  it('records runs with params, metric history and latest values', async () => {
    const { experiments } = await fresh();
    const run = experiments.startRun('digits-mlp', {
      name: 'lr-0.01',
      datasetHash: 'sha256:abc',
      codeRevision: 'git:1234',
      tags: { owner: 'ana' },
    });
    experiments.logParams(run.id, { lr: 0.01, hidden: 32, augment: true });
    for (const [step, loss] of [0.9, 0.5, 0.31].entries())
      experiments.logMetric(run.id, 'loss', loss, { step });
    experiments.logMetric(run.id, 'accuracy', 0.91);
    experiments.logMetric(run.id, 'accuracy', 0.94);
    const info = experiments.endRun(run.id);
    expect(info).toMatchObject({
      experiment: 'digits-mlp',
      name: 'lr-0.01',
      status: 'finished',
      datasetHash: 'sha256:abc',
      codeRevision: 'git:1234',
      tags: { owner: 'ana' },
      params: { lr: '0.01', hidden: '32', augment: 'true' },
      metrics: { loss: 0.31, accuracy: 0.94 },
    });
    expect(info.endedAt).toBeGreaterThan(info.startedAt);
    expect(experiments.metricHistory(run.id, 'loss').map((p) => [p.step, p.value])).toEqual([
      [0, 0.9],
      [1, 0.5],
      [2, 0.31],
    ]);
    expect(experiments.metricHistory(run.id, 'accuracy').map((p) => p.step)).toEqual([0, 1]);
  });

  it('finds the best run by a metric, either way', async () => {
    const { experiments } = await fresh();
    const scores = { a: 0.8, b: 0.95, c: 0.7 };
    for (const [name, accuracy] of Object.entries(scores)) {
      const run = experiments.startRun('sweep', { name });
      experiments.logMetric(run.id, 'accuracy', accuracy);
      experiments.logMetric(run.id, 'loss', 1 - accuracy);
      experiments.endRun(run.id);
    }
    experiments.startRun('other', { name: 'z' });
    expect(experiments.bestRun('sweep', 'accuracy')?.name).toBe('b');
    expect(experiments.bestRun('sweep', 'loss', 'min')?.name).toBe('b');
    expect(experiments.bestRun('sweep', 'missing')).toBeUndefined();
    expect(experiments.listRuns({ experiment: 'sweep' }).map((r) => r.name)).toEqual([
      'c',
      'b',
      'a',
    ]);
    expect(experiments.listRuns({ status: 'running' }).map((r) => r.name)).toEqual(['z']);
  });

  it('keeps lineage from run to model version', async () => {
    const manager = await fresh();
    const run = manager.experiments.startRun('train', { datasetHash: 'mnist-10k' });
    const dir = await mkdtemp(join(tmpdir(), 'mt-art-'));
    await writeFile(join(dir, 'model.onnx'), 'weights');
    manager.registerModel({
      id: 'digits',
      name: 'Digits',
      framework: 'onnx',
      taskType: 'image-classification',
    });
    await manager.addVersion('digits', '1.0.0', { path: dir, sourceRunId: run.id });
    expect(manager.getVersion('digits', '1.0.0').sourceRunId).toBe(run.id);
    expect(manager.experiments.getRun(run.id).producedVersions).toEqual(['digits@1.0.0']);
    await expect(
      manager.addVersion('digits', '1.0.1', { path: dir, sourceRunId: 'no-such-run' }),
    ).rejects.toThrow(ModelNotFoundError);
  });

  it('stores run artifacts by content and checks them on read', async () => {
    const { experiments } = await fresh();
    const run = experiments.startRun('train');
    const dir = await mkdtemp(join(tmpdir(), 'mt-art-'));
    await writeFile(join(dir, 'confusion.json'), '[[9,1],[0,10]]');
    await experiments.logArtifact(run.id, 'confusion', join(dir, 'confusion.json'));
    const stored = await experiments.artifactPath(run.id, 'confusion');
    expect(experiments.getRun(run.id).artifacts).toEqual([
      expect.objectContaining({ name: 'confusion', sizeBytes: 14 }),
    ]);
    await writeFile(join(stored, 'confusion.json'), '[[10,0],[0,10]]');
    await expect(experiments.artifactPath(run.id, 'confusion')).rejects.toThrow(
      ArtifactTamperedError,
    );
  });

  it('exports metric history as CSV and JSON', async () => {
    const { experiments } = await fresh();
    const run = experiments.startRun('x');
    experiments.logMetric(run.id, 'loss', 0.5, { step: 0, timestamp: 100 });
    experiments.logMetric(run.id, 'loss,weird', 0.25, { step: 1, timestamp: 200 });
    expect(experiments.exportMetrics(run.id, 'csv')).toBe(
      'key,step,value,timestamp\nloss,0,0.5,100\n"loss,weird",1,0.25,200\n',
    );
    expect(JSON.parse(experiments.exportMetrics(run.id, 'json'))).toEqual([
      { key: 'loss', step: 0, value: 0.5, timestamp: 100 },
      { key: 'loss,weird', step: 1, value: 0.25, timestamp: 200 },
    ]);
  });

  it('refuses bad input and logging to an ended run', async () => {
    const { experiments } = await fresh();
    const run = experiments.startRun('x');
    experiments.logParams(run.id, { lr: 0.1 });
    expect(() => experiments.logParams(run.id, { lr: 0.2 })).toThrow(/params cannot change/);
    expect(() => experiments.logMetric(run.id, 'loss', Number.NaN)).toThrow(InvalidModelInputError);
    expect(() => experiments.logMetric(run.id, 'loss', 1, { step: -1 })).toThrow(/step/);
    experiments.endRun(run.id, 'failed');
    expect(() => experiments.logMetric(run.id, 'loss', 1)).toThrow(/has ended \(failed\)/);
    expect(() => experiments.getRun('missing')).toThrow(ModelNotFoundError);
    expect(() => experiments.startRun(' ')).toThrow(InvalidModelInputError);
  });
});
