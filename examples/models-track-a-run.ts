// @mt/models alone: the registry and experiment tracking on SQLite (a native
// build), with an ONNX model version whose checksum is recorded.
//   npm install @mt/models               (run beside any mlp.onnx)
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelManager } from '@mt/models';

const manager = await ModelManager.open({ root: mkdtempSync(join(tmpdir(), 'mt-models-smoke-')) });
try {
  manager.registerModel({
    id: 'mlp',
    name: 'Smoke MLP',
    framework: 'onnx',
    taskType: 'classification',
  });
  const run = manager.experiments.startRun('smoke', {
    datasetHash: 'sha256:00',
    codeRevision: 'git:smoke',
  });
  manager.experiments.logMetric(run.id, 'accuracy', 0.9);
  manager.experiments.endRun(run.id);
  await manager.addVersion('mlp', '1.0.0', { path: 'mlp.onnx', sourceRunId: run.id });
  manager.setAlias('mlp', 'production', '1.0.0');
  const version = manager.getVersion('mlp', 'production');
  assert.equal(version.version, '1.0.0');
  assert.equal(manager.getModel('mlp').versions.length, 1);
  console.log(`registered mlp@${version.version} from run ${run.id.slice(0, 8)}`);
} finally {
  manager.close();
}
