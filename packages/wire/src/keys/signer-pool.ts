import { availableParallelism } from 'node:os';
import { MtError } from '@mt/protocol';
import { builtModulePath } from '@mt/protocol/node';
import { ANSWER_BYTES, type Ed25519Job, packJobs } from './ed25519-batch.js';
import { type Hotkey, secretKeyOf } from './hotkey.js';
import { loadSodium } from './sodium.js';
import { type BatchCodec, WorkerBatches } from './worker-batches.js';

/** Options of {@link SignerPool.start}. */
export interface SignerPoolOptions {
  /** Worker threads. Default: the cores there are, less one for the server's own thread (at least 1). */
  threads?: number;
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
  readonly #workers: WorkerBatches<Ed25519Job, Uint8Array>;

  private constructor(workers: WorkerBatches<Ed25519Job, Uint8Array>) {
    this.#workers = workers;
  }

  /** Starts the workers; resolves once each has loaded libsodium. */
  static async start(options: SignerPoolOptions = {}): Promise<SignerPool> {
    await loadSodium();
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const filename = builtModulePath(new URL('./signer-worker.js', import.meta.url));
    return new SignerPool(await WorkerBatches.start(filename, threads, ED25519_CODEC));
  }

  /** True when `signature` is the signature of `message` by the 32-byte `publicKey`. */
  async verify(
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
  ): Promise<boolean> {
    if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
    const answer = await this.#workers.submit({ kind: 'verify', publicKey, message, signature });
    return answer[0] === 1;
  }

  /** `hotkey`'s 64-byte signature of `message`. */
  sign(hotkey: Hotkey, message: Uint8Array): Promise<Uint8Array> {
    return this.#workers.submit({ kind: 'sign', secretKey: secretKeyOf(hotkey), message });
  }

  /** Stops the workers; jobs still pending fail. */
  close(): Promise<void> {
    return this.#workers.close(new MtError('MT_WIRE_POOL_CLOSED', 'the signer pool was closed'));
  }
}

/** A batch is one transferable buffer each way (see `ed25519-batch.ts`). */
const ED25519_CODEC: BatchCodec<Ed25519Job, Uint8Array> = {
  pack: (jobs) => {
    const batch = packJobs(jobs);
    return { batch, transfer: [batch] };
  },
  unpack: (answers, count) => {
    const bytes = new Uint8Array(answers as ArrayBuffer);
    return Array.from({ length: count }, (_, i) =>
      bytes.subarray(i * ANSWER_BYTES, (i + 1) * ANSWER_BYTES),
    );
  },
};
