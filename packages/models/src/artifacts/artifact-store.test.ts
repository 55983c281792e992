import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArtifactStore, stagingName } from './artifact-store.js';

describe('ArtifactStore staging cleanup', () => {
  it('clears only staging folders whose importer is gone or that are a day old', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mt-artifacts-'));
    const live = stagingName(process.pid, hostname());
    const dead = stagingName(2_147_483_646, hostname());
    const otherHost = stagingName(process.pid, 'some-other-host.example');
    const stale = stagingName(process.pid, 'some-other-host.example');
    for (const name of [live, dead, otherHost, stale]) {
      await mkdir(join(root, name));
      await writeFile(join(root, name, 'part.bin'), 'x');
    }
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000);
    await utimes(join(root, stale), twoDaysAgo, twoDaysAgo);

    await ArtifactStore.open(root);
    // A live import (this very process) and a recent one on another host survive.
    expect((await readdir(root)).sort()).toEqual([live, otherHost].sort());
  });

  it('does not publish an empty artifact when its staging folder vanishes mid-import', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mt-artifacts-'));
    const store = await ArtifactStore.open(root);
    const source = await mkdtemp(join(tmpdir(), 'mt-src-'));
    await writeFile(join(source, 'model.onnx'), 'weights');
    // Another store opened on the same root while the import runs, as a second process would.
    const importing = store.import(source);
    await ArtifactStore.open(root);
    const digest = await importing;
    await expect(store.verify(digest.hash, 'the import')).resolves.toContain(digest.hash);
  });
});
