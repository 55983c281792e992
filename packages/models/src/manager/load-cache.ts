import { LRUCache } from 'lru-cache';

interface Entry {
  model: unknown;
  dispose: (() => void | Promise<void>) | undefined;
}

/**
 * Loaded models kept in memory, bounded by bytes (each counted by its artifact
 * size), least recently used first out; a model leaving the cache is disposed.
 * Concurrent loads of the same key share one load.
 */
export class LoadCache {
  readonly #cache: LRUCache<string, Entry>;
  readonly #inFlight = new Map<string, Promise<unknown>>();

  constructor(maxBytes: number) {
    this.#cache = new LRUCache<string, Entry>({
      maxSize: maxBytes,
      dispose: (entry) => {
        void entry.dispose?.();
      },
    });
  }

  /** The cached model for `key`, or the result of `load` (run once however many callers wait). */
  async get<M>(
    key: string,
    sizeBytes: number,
    load: () => Promise<M>,
    dispose: ((model: M) => void | Promise<void>) | undefined,
  ): Promise<M> {
    const cached = this.#cache.get(key);
    if (cached) return cached.model as M;
    const pending = this.#inFlight.get(key);
    if (pending) return pending as Promise<M>;
    const loading = load().then(
      (model) => {
        this.#inFlight.delete(key);
        this.#cache.set(
          key,
          { model, dispose: dispose ? () => dispose(model) : undefined },
          { size: Math.max(1, sizeBytes) },
        );
        return model;
      },
      (error: unknown) => {
        this.#inFlight.delete(key);
        throw error;
      },
    );
    this.#inFlight.set(key, loading);
    return loading;
  }

  /** Drops (and disposes) every cached model whose key starts with `prefix`. */
  evict(prefix: string): void {
    for (const key of [...this.#cache.keys()]) if (key.startsWith(prefix)) this.#cache.delete(key);
  }

  /** Bytes currently held. */
  get sizeBytes(): number {
    return this.#cache.calculatedSize;
  }

  clear(): void {
    this.#cache.clear();
  }
}
