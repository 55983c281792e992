import { createRequire } from 'node:module';

type Snarkjs = typeof import('snarkjs');

let loading: Promise<Snarkjs> | undefined;

/**
 * Imports snarkjs so that it can use all cores even inside a worker thread.
 *
 * snarkjs's field library starts its own worker threads through `web-worker`
 * 1.2.0, which decides once, when loaded, whether it is the spawning side by
 * reading `isMainThread`; inside our worker it picks the wrong side and
 * snarkjs fails with "Worker is not a constructor". We load it with
 * `isMainThread` reading true, so it takes the spawning side; the threads it
 * spawns are real workers and still see false, so they take theirs.
 */
export function loadSnarkjs(): Promise<Snarkjs> {
  loading ??= (async () => {
    const threads = createRequire(import.meta.url)('node:worker_threads') as {
      isMainThread: boolean;
    };
    const original = Object.getOwnPropertyDescriptor(threads, 'isMainThread');
    if (threads.isMainThread || !original) return import('snarkjs');
    Object.defineProperty(threads, 'isMainThread', { ...original, value: true });
    try {
      return await import('snarkjs');
    } finally {
      Object.defineProperty(threads, 'isMainThread', original);
    }
  })();
  return loading;
}
