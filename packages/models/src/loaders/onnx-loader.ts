import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadPeer } from '@mt/protocol';
import { InvalidModelInputError } from '../errors.js';
import type { ModelLoader } from './model-loader.js';

/** The slice of onnxruntime-node's API this loader uses. */
export interface OnnxSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model on `feeds` (onnxruntime tensors by input name). */
  run(feeds: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Frees the session's native memory. */
  release(): Promise<void>;
}

async function onnxFiles(dir: string, prefix = dir): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await onnxFiles(full, prefix)));
    else if (entry.name.endsWith('.onnx')) found.push(relative(prefix, full));
  }
  return found.sort();
}

/**
 * Loads an ONNX model with onnxruntime-node (imported on first use). The file
 * is `metadata.entry` when the version names one, else the artifact's only
 * `.onnx` file. `intraOpNumThreads` defaults to 1 so that several sessions, or
 * a worker pool, do not oversubscribe the CPU.
 */
export function onnxLoader(options: { intraOpNumThreads?: number } = {}): ModelLoader<OnnxSession> {
  return {
    async load(dir, version) {
      const ort = await loadPeer({
        name: 'onnxruntime-node',
        range: '>=1.20.0',
        feature: 'Loading ONNX models',
        load: () => import('onnxruntime-node'),
      });
      const entry = typeof version.metadata.entry === 'string' ? version.metadata.entry : undefined;
      const candidates = entry === undefined ? await onnxFiles(dir) : [entry];
      if (candidates.length !== 1 || candidates[0] === undefined) {
        throw new InvalidModelInputError(
          'metadata.entry',
          `${version.modelId}@${version.version} holds ${candidates.length} .onnx files; name the one to load in metadata.entry`,
        );
      }
      return (await ort.InferenceSession.create(join(dir, candidates[0]), {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
      })) as unknown as OnnxSession;
    },
    dispose: (session) => session.release(),
  };
}
