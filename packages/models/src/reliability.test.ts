import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ModelManager } from './manager/model-manager.js';

const worker = fileURLToPath(new URL('./test-support/store-worker.mjs', import.meta.url));

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [worker, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
}

function integrity(root: string): string {
  const db = new Database(join(root, 'store.db'), { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('store reliability', () => {
  it('keeps every write when two processes write at once', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mt-concurrent-'));
    const results = await Promise.all(
      ['a', 'b'].map((label) => exited(start(['writer', root, label]))),
    );
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    expect(integrity(root)).toBe('ok');
    const manager = await ModelManager.open({ root });
    try {
      for (const label of ['a', 'b']) {
        const model = manager.getModel(`m-${label}`);
        expect(model.versions).toHaveLength(15);
        expect(model.latest).toBe('1.0.14');
        for (const version of model.versions) await manager.artifactPath(`m-${label}`, version);
      }
      const runs = manager.experiments.listRuns({ experiment: 'concurrent' });
      expect(runs.map((r) => r.status).sort()).toEqual(['finished', 'finished']);
      for (const run of runs) {
        expect(manager.experiments.metricHistory(run.id, 'loss')).toHaveLength(225);
        expect(run.producedVersions).toHaveLength(15);
      }
    } finally {
      manager.close();
    }
  }, 60_000);

  it('shows no half-imported version after a process is killed mid-import', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mt-killed-'));
    const source = await mkdtemp(join(tmpdir(), 'mt-big-'));
    await mkdir(join(source, 'shards'));
    const shard = Buffer.alloc(64 * 1024, 7);
    for (let i = 0; i < 300; i += 1)
      await writeFile(join(source, 'shards', `part-${String(i).padStart(3, '0')}.bin`), shard);

    let interrupted = 0;
    const delays = [5, 15, 30, 60, 120];
    for (const [attempt, delay] of delays.entries()) {
      const child = start(['importer', root, source, `1.0.${attempt}`]);
      const done = exited(child);
      await new Promise<void>((resolve) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('importing')) setTimeout(resolve, delay);
        });
        child.once('exit', () => resolve());
      });
      child.kill('SIGKILL');
      const { signal } = await done;
      if (
        signal === 'SIGKILL' &&
        (await readdir(join(root, 'artifacts'))).some((name) => name.startsWith('.import-'))
      ) {
        interrupted += 1;
      }
      expect(integrity(root)).toBe('ok');
    }
    // The kills did land in the middle of imports (a staging folder was left behind).
    expect(interrupted).toBeGreaterThan(0);

    const manager = await ModelManager.open({ root });
    try {
      // Reopening clears what the killed imports left, and every visible version is whole.
      expect(
        (await readdir(join(root, 'artifacts'))).filter((name) => name.startsWith('.import-')),
      ).toEqual([]);
      const versions = manager.listModels().find((m) => m.id === 'big')?.versions ?? [];
      for (const version of versions) {
        const info = manager.getVersion('big', version);
        expect(info.sizeBytes).toBe(300 * 64 * 1024);
        await manager.artifactPath('big', version);
      }
      // The store still takes new imports.
      await manager.addVersion('big', '2.0.0', { path: source });
      await manager.artifactPath('big', '2.0.0');
    } finally {
      manager.close();
    }
  }, 120_000);
});
