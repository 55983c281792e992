import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { builtModulePath } from '@mt/protocol';
import { ANSWER_BYTES, type Ed25519Job, packJobs } from './ed25519-batch.js';
import { type Hotkey, secretKeyOf } from './hotkey.js';
import { loadSodium } from './sodium.js';

/** Options of {@link SignerPool.start}. */
export interface SignerPoolOptions {
  /** Worker threads. Default: the cores there are, less one for the server's own thread (at least 1). */
  threads?: number;
}

interface Pending {
  job: Ed25519Job;
  resolve: (answer: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * Ed25519 on worker threads with libsodium: the miner server's signature
 * checks and answer signatures leave its event loop, which keeps parsing,
 * routing and answering. Jobs that arrive in the same turn of the event loop
 * go to a worker as one batch in one transferable buffer, so the cost of a
 * message is shared by every request in it.
 *
 * Needs `sodium-native` (an optional peer): {@link SignerPool.start} throws
 * `MissingPeerError` (from `@mt/protocol`), saying what to install, when it is absent.
 *
 * @example
 * ```ts
 * const signer = await SignerPool.start();
 * const server = await createMinerServer({ hotkey, handlers, signer });
 * ```
 */
export class SignerPool {
  readonly #workers: Worker[];
  readonly #inFlight = new Map<number, Pending[]>();
  #pending: Pending[] = [];
  #flushScheduled = false;
  #nextId = 0;
  #nextWorker = 0;
  #failure: Error | undefined;

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    for (const worker of workers) {
      worker.on('message', ({ id, answers }: { id: number; answers: ArrayBuffer }) =>
        this.#settle(id, answers),
      );
      worker.on('error', (error) => this.#fail(error));
    }
  }

  /** Starts the workers; resolves once each has loaded libsodium. */
  static async start(options: SignerPoolOptions = {}): Promise<SignerPool> {
    await loadSodium();
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const filename = builtModulePath(new URL('./signer-worker.js', import.meta.url));
    const workers = Array.from({ length: threads }, () => new Worker(filename));
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('online', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    return new SignerPool(workers);
  }

  /** True when `signature` is the signature of `message` by the 32-byte `publicKey`. */
  async verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean> {
    if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
    const answer = await this.#submit({ kind: 'verify', publicKey, message, signature });
    return answer[0] === 1;
  }

  /** `hotkey`'s 64-byte signature of `message`. */
  sign(hotkey: Hotkey, message: Uint8Array): Promise<Uint8Array> {
    return this.#submit({ kind: 'sign', secretKey: secretKeyOf(hotkey), message });
  }

  /** Stops the workers; jobs still pending fail. */
  async close(): Promise<void> {
    this.#fail(new Error('the signer pool was closed'));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #submit(job: Ed25519Job): Promise<Uint8Array> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ job, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) % Number.MAX_SAFE_INTEGER;
    this.#inFlight.set(id, batch);
    const packed = packJobs(batch.map((p) => p.job));
    const worker = this.#workers[this.#nextWorker] as Worker;
    this.#nextWorker = (this.#nextWorker + 1) % this.#workers.length;
    worker.postMessage({ id, batch: packed }, [packed]);
  }

  #settle(id: number, answers: ArrayBuffer): void {
    const batch = this.#inFlight.get(id);
    this.#inFlight.delete(id);
    const bytes = new Uint8Array(answers);
    for (const [i, pending] of (batch ?? []).entries()) {
      pending.resolve(bytes.subarray(i * ANSWER_BYTES, (i + 1) * ANSWER_BYTES));
    }
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const all = [...this.#inFlight.values(), this.#pending].flat();
    this.#inFlight.clear();
    this.#pending = [];
    for (const pending of all) pending.reject(error);
  }
}
