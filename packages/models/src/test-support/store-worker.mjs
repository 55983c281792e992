// Child process for the reliability tests, run against the built package.
//   node store-worker.mjs writer ROOT LABEL   — registers a model, adds versions, logs metrics
//   node store-worker.mjs importer ROOT SRC VERSION — imports SRC as a version of model 'big'
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelManager } from '../../dist/index.js';

const [mode, root, arg1, arg2] = process.argv.slice(2);
const manager = await ModelManager.open({ root });

if (mode === 'writer') {
  const label = arg1;
  manager.registerModel({ id: `m-${label}`, name: label, framework: 'onnx', taskType: 't' });
  const run = manager.experiments.startRun('concurrent', { name: label });
  for (let i = 0; i < 15; i += 1) {
    const dir = await mkdtemp(join(tmpdir(), 'mt-writer-'));
    await writeFile(join(dir, 'model.onnx'), `${label}-${i}`);
    await manager.addVersion(`m-${label}`, `1.0.${i}`, { path: dir, sourceRunId: run.id });
    for (let k = 0; k < 15; k += 1)
      manager.experiments.logMetric(run.id, 'loss', 1 / (i * 15 + k + 1));
  }
  manager.experiments.endRun(run.id);
} else if (mode === 'importer') {
  manager.registerModel({ id: 'big', name: 'big', framework: 'onnx', taskType: 't' });
  process.stdout.write('importing\n');
  await manager.addVersion('big', arg2, { path: arg1 });
  process.stdout.write('imported\n');
}
manager.close();
