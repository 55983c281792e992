import { availableParallelism } from 'node:os';
import { builtModulePath } from '@mt/protocol/node';
import { Piscina } from 'piscina';
import type { ProofWorkerResult, ProofWorkerTask } from './proof-worker.js';

/**
 * The piscina pool that proves and verifies off the event loop. Each proof
 * itself also spreads over all cores (snarkjs's own threads), so one thread
 * per pool is the default; raise `maxThreads` to prove several at once.
 */
export class ProofPool {
  readonly #pool: Piscina<ProofWorkerTask, ProofWorkerResult>;

  constructor(options: { maxThreads?: number; idleTimeoutMs?: number } = {}) {
    const maxThreads = options.maxThreads ?? 1;
    this.#pool = new Piscina({
      filename: builtModulePath(new URL('./proof-worker.js', import.meta.url)),
      minThreads: 0,
      maxThreads: Math.max(1, Math.min(maxThreads, availableParallelism())),
      idleTimeout: options.idleTimeoutMs ?? 30_000,
    });
  }

  /** Runs `task` in a pool thread. */
  run(task: ProofWorkerTask, signal?: AbortSignal): Promise<ProofWorkerResult> {
    return this.#pool.run(task, signal ? { signal } : {});
  }

  /** Stops the pool's threads (and snarkjs's threads inside them). */
  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
