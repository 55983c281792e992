import { availableParallelism } from 'node:os';
import { ParallelProcessor } from '@mt/processors';
import { builtModulePath } from '@mt/protocol/node';
import type { ProofWorkerResult, ProofWorkerTask } from './proof-worker.js';

/** The worker pool that proves and verifies off the event loop. */
export type ProofPool = ParallelProcessor<ProofWorkerTask, ProofWorkerResult>;

/**
 * `@mt/processors`' `ParallelProcessor` on the proof worker. Each proof also
 * spreads over every core by itself (snarkjs's own threads), so one thread is
 * the default (raise `maxThreads` to prove several at once); no thread is kept
 * idle, since a prover's worker holds its keys and snarkjs's threads; and a
 * failed proof is not retried, since it would fail again.
 */
export function proofPool(options: { maxThreads?: number } = {}): ProofPool {
  return new ParallelProcessor<ProofWorkerTask, ProofWorkerResult>({
    filename: builtModulePath(new URL('./proof-worker.js', import.meta.url)),
    maxThreads: Math.max(1, Math.min(options.maxThreads ?? 1, availableParallelism())),
    minThreads: 0,
    maxRetries: 0,
  });
}
