import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLinearOnnx } from '@mt/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ArtifactTamperedError,
  InvalidModelInputError,
  LoaderUnavailableError,
  ModelInUseError,
  ModelNotFoundError,
  PathEscapeError,
  StoreCorruptError,
} from '../errors.js';
import type { OnnxSession } from '../loaders/onnx-loader.js';
import { ModelManager } from './model-manager.js';

const open: ModelManager[] = [];
afterEach(() => {
  for (const manager of open.splice(0)) manager.close();
});

async function fresh(options: { cacheMaxBytes?: number } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'mt-models-'));
  const manager = await ModelManager.open({ root, ...options });
  open.push(manager);
  return { manager, root };
}

/** A small model folder in the Transformers.js layout. */
async function modelFolder(text = 'weights-v1'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mt-model-src-'));
  await mkdir(join(dir, 'onnx'));
  await writeFile(join(dir, 'config.json'), '{"model_type":"gpt2"}');
  await writeFile(join(dir, 'onnx', 'model.onnx'), text);
  return dir;
}

const gpt = {
  id: 'gpt2-tiny',
  name: 'GPT-2 tiny',
  framework: 'transformers.js',
  taskType: 'text-generation',
};

describe('ModelManager registry', () => {
  it('keeps every version and calls the highest semver latest', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    for (const version of ['1.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1', '0.9.0']) {
      await manager.addVersion('gpt2-tiny', version, { path: await modelFolder(version) });
    }
    const model = manager.getModel('gpt2-tiny');
    expect(model.versions).toEqual(['2.0.0-rc.1', '1.10.0', '1.9.0', '1.0.0', '0.9.0']);
    expect(model.latest).toBe('2.0.0-rc.1');
    manager.deprecateVersion('gpt2-tiny', '2.0.0-rc.1');
    expect(manager.getModel('gpt2-tiny').latest).toBe('1.10.0');
    expect(manager.getVersion('gpt2-tiny').version).toBe('1.10.0');
  });

  it('never drops versions when a model is registered again', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder() });
    manager.registerModel({ ...gpt, description: 'now described', tags: ['lm'] });
    const model = manager.getModel('gpt2-tiny');
    expect(model.versions).toEqual(['1.0.0']);
    expect(model).toMatchObject({ description: 'now described', tags: ['lm'] });
  });

  it('records content hash and size, and the same files get the same hash', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    const a = await manager.addVersion('gpt2-tiny', '1.0.0', {
      path: await modelFolder('same'),
      metadata: { note: 'first' },
    });
    const b = await manager.addVersion('gpt2-tiny', '1.0.1', { path: await modelFolder('same') });
    const c = await manager.addVersion('gpt2-tiny', '1.0.2', {
      path: await modelFolder('different'),
    });
    expect(a.contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(b.contentHash).toBe(a.contentHash);
    expect(c.contentHash).not.toBe(a.contentHash);
    expect(a.sizeBytes).toBe('{"model_type":"gpt2"}'.length + 'same'.length);
    expect(a.metadata).toEqual({ note: 'first' });
  });

  it('resolves aliases such as production, and guards deletes', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder('one') });
    await manager.addVersion('gpt2-tiny', '1.1.0', { path: await modelFolder('two') });
    manager.setAlias('gpt2-tiny', 'production', '1.0.0');
    expect(manager.getVersion('gpt2-tiny', 'production').version).toBe('1.0.0');
    await expect(manager.deleteVersion('gpt2-tiny', '1.0.0')).rejects.toThrow(ModelInUseError);
    await expect(manager.deleteModel('gpt2-tiny')).rejects.toThrow(/still has versions/);
    await manager.deleteVersion('gpt2-tiny', '1.0.0', { force: true });
    expect(manager.getModel('gpt2-tiny')).toMatchObject({ versions: ['1.1.0'], aliases: {} });
    await manager.deleteModel('gpt2-tiny', { force: true });
    expect(() => manager.getModel('gpt2-tiny')).toThrow(ModelNotFoundError);
  });

  it('refuses bad input with typed errors that say what to do', async () => {
    const { manager } = await fresh();
    expect(() => manager.getModel('nope')).toThrow(/register it first/);
    await expect(
      manager.addVersion('nope', '1.0.0', { path: await modelFolder() }),
    ).rejects.toThrow(ModelNotFoundError);
    manager.registerModel(gpt);
    await expect(
      manager.addVersion('gpt2-tiny', 'v1', { path: await modelFolder() }),
    ).rejects.toThrow(
      expect.objectContaining({ code: InvalidModelInputError.code, argument: 'version' }),
    );
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder() });
    await expect(
      manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder('x') }),
    ).rejects.toThrow(/immutable/);
    expect(() => manager.setAlias('gpt2-tiny', '2.0.0', '1.0.0')).toThrow(/shadow a version/);
    expect(() => manager.getVersion('gpt2-tiny', 'staging')).toThrow(/aliases \(none\)/);
    expect(() => manager.registerModel({ ...gpt, id: ' ' })).toThrow(InvalidModelInputError);
  });

  it('refuses symbolic links in an imported folder and paths that leave an artifact', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    const dir = await modelFolder();
    await symlink('/etc/hostname', join(dir, 'sneaky'));
    await expect(manager.addVersion('gpt2-tiny', '1.0.0', { path: dir })).rejects.toThrow(
      PathEscapeError,
    );
    expect(manager.getModel('gpt2-tiny').versions).toEqual([]);
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder() });
    const file = await manager.artifactFile('gpt2-tiny', '1.0.0', 'onnx/model.onnx');
    expect(await readFile(file, 'utf8')).toBe('weights-v1');
    for (const outside of ['../../store.db', '/etc/hostname', 'onnx/../../../x']) {
      await expect(manager.artifactFile('gpt2-tiny', '1.0.0', outside)).rejects.toThrow(
        PathEscapeError,
      );
    }
  });

  it('detects files tampered with after import', async () => {
    const { manager } = await fresh();
    manager.registerModel(gpt);
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder() });
    const dir = await manager.artifactPath('gpt2-tiny', '1.0.0');
    expect(await readFile(join(dir, 'onnx', 'model.onnx'), 'utf8')).toBe('weights-v1');
    await writeFile(join(dir, 'onnx', 'model.onnx'), 'weights-evil');
    await expect(manager.artifactPath('gpt2-tiny', '1.0.0')).rejects.toThrow(ArtifactTamperedError);
    await rm(dir, { recursive: true });
    await expect(manager.artifactPath('gpt2-tiny', '1.0.0')).rejects.toThrow(/the files are gone/);
  });

  it('refuses a corrupt database with a typed error', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mt-models-'));
    await writeFile(
      join(root, 'store.db'),
      'this is not a database at all, just text '.repeat(200),
    );
    await expect(ModelManager.open({ root })).rejects.toThrow(StoreCorruptError);
  });

  it('filters models by framework, task type and tags', async () => {
    const { manager } = await fresh();
    manager.registerModel({ ...gpt, tags: ['lm', 'tiny'] });
    manager.registerModel({
      id: 'digits',
      name: 'Digits',
      framework: 'onnx',
      taskType: 'image-classification',
      tags: ['tiny'],
    });
    expect(manager.listModels({ tags: ['tiny'] }).map((m) => m.id)).toEqual([
      'digits',
      'gpt2-tiny',
    ]);
    expect(manager.listModels({ framework: 'onnx' }).map((m) => m.id)).toEqual(['digits']);
    expect(
      manager.listModels({ tags: ['tiny', 'lm'], taskType: 'text-generation' }).map((m) => m.id),
    ).toEqual(['gpt2-tiny']);
  });
});

describe('ModelManager loading', () => {
  async function digits(manager: ModelManager) {
    manager.registerModel({
      id: 'linear',
      name: 'Linear',
      framework: 'onnx',
      taskType: 'regression',
    });
    const dir = await mkdtemp(join(tmpdir(), 'mt-onnx-'));
    await writeLinearOnnx(
      join(dir, 'model.onnx'),
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [0.5, -1],
    );
    await manager.addVersion('linear', '1.0.0', { path: join(dir, 'model.onnx') });
  }

  it('loads an ONNX version through onnxruntime and runs it', async () => {
    const { manager } = await fresh();
    await digits(manager);
    const session = await manager.loadModel<OnnxSession>('linear');
    const ort = await import('onnxruntime-node');
    const out = await session.run({
      x: new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [1, 3]),
    });
    expect(Array.from((out.y as { data: Float32Array }).data)).toEqual([9.5, 11]);
    expect(session.inputNames).toEqual(['x']);
  });

  it('loads a version once however many callers ask at the same time, and caches it', async () => {
    const { manager } = await fresh();
    manager.registerModel({ id: 'm', name: 'M', framework: 'counting', taskType: 't' });
    await manager.addVersion('m', '1.0.0', { path: await modelFolder() });
    let loads = 0;
    manager.registerLoader('counting', {
      load: async (dir) => {
        loads += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { dir };
      },
    });
    const models = await Promise.all(
      Array.from({ length: 10 }, () => manager.loadModel('m', '1.0.0')),
    );
    expect(loads).toBe(1);
    expect(new Set(models).size).toBe(1);
    await manager.loadModel('m');
    expect(loads).toBe(1);
  });

  it('keeps the cache within its byte budget, disposing what it drops', async () => {
    const { manager } = await fresh({ cacheMaxBytes: 100 });
    manager.registerModel({ id: 'm', name: 'M', framework: 'sized', taskType: 't' });
    const disposed: string[] = [];
    manager.registerLoader('sized', {
      load: async (_dir, version) => version.version,
      dispose: (model) => {
        disposed.push(model as string);
      },
    });
    for (const version of ['1.0.0', '1.0.1', '1.0.2']) {
      await manager.addVersion('m', version, {
        path: await modelFolder(`${version}-${'x'.repeat(30)}`),
      });
      await manager.loadModel('m', version);
    }
    // Each version is ~56 bytes: only one fits in 100.
    expect(disposed).toEqual(['1.0.0', '1.0.1']);
  });

  it('refuses to load tampered files, and says when no loader exists', async () => {
    const { manager } = await fresh();
    await digits(manager);
    const dir = await manager.artifactPath('linear');
    await writeFile(join(dir, 'model.onnx'), 'garbage');
    await expect(manager.loadModel('linear')).rejects.toThrow(ArtifactTamperedError);
    manager.registerModel({ ...gpt, framework: 'tensorflow' });
    await manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder() });
    await expect(manager.loadModel('gpt2-tiny')).rejects.toThrow(LoaderUnavailableError);
  });

  it('tracks inference latency and counts per version', async () => {
    const { manager } = await fresh();
    await digits(manager);
    manager.trackInference('linear', '1.0.0', 12, 4);
    manager.trackInference('linear', 'latest', 18, 4);
    const summary = manager.getPerformanceSummary()['linear@1.0.0'];
    expect(summary).toMatchObject({ calls: 2, items: 8 });
    expect(summary?.latency.max).toBeCloseTo(18, 1);
  });
});

describe('ModelManager concurrency', () => {
  it('reports a version added twice at the same moment as a typed error, keeping one', async () => {
    const { manager, root } = await fresh();
    const other = await ModelManager.open({ root });
    open.push(other);
    manager.registerModel(gpt);
    const outcomes = await Promise.allSettled([
      manager.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder('first') }),
      other.addVersion('gpt2-tiny', '1.0.0', { path: await modelFolder('second') }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(InvalidModelInputError.isInstance(rejected?.reason)).toBe(true);
    expect(manager.getModel('gpt2-tiny').versions).toEqual(['1.0.0']);
  });
});
