import type { SnarkjsLogger } from 'snarkjs';
import { TrustedSetupError } from '../errors.js';
import { loadSnarkjs } from '../prove/load-snarkjs.js';

type Snarkjs = typeof import('snarkjs');

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs snarkjs work on this thread, one session at a time, and releases the
 * curve's worker threads afterwards (snarkjs keeps them alive, which would
 * keep the process from exiting). Setup and export run here; proving and
 * verification run in the worker pool.
 */
export function withSnarkjs<T>(work: (snarkjs: Snarkjs) => Promise<T>): Promise<T> {
  const run = queue.then(async () => {
    const snarkjs = await loadSnarkjs();
    try {
      return await work(snarkjs);
    } finally {
      const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } | null })
        .curve_bn128;
      if (curve) await curve.terminate();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * A snarkjs logger that forwards progress and remembers errors: snarkjs's
 * setup functions report failure by logging and returning -1, so the caller
 * turns the last error into a {@link TrustedSetupError}.
 */
export function setupLogger(onProgress: (message: string) => void): SnarkjsLogger & {
  errors: string[];
  infos: string[];
  check(step: string, result: unknown): void;
} {
  const errors: string[] = [];
  const infos: string[] = [];
  return {
    errors,
    infos,
    debug: () => {},
    // snarkjs's own info lines are too fine-grained to show; the steps report progress.
    info: (message) => {
      infos.push(message);
    },
    warn: (message) => onProgress(`warning: ${message}`),
    error: (message) => {
      errors.push(message);
    },
    check(step, result) {
      if (result === -1 || errors.length > 0) {
        throw new TrustedSetupError(step, errors.at(-1) ?? 'snarkjs reported a failure');
      }
    },
  };
}
