import { availableParallelism } from 'node:os';
import { MtError } from '@mt/protocol';
import { builtModulePath } from '@mt/protocol/node';
import { type BatchCodec, WorkerBatches } from '../keys/worker-batches.js';

/** Options of {@link Sr25519VerifierPool.start}. */
export interface Sr25519VerifierPoolOptions {
  /** Worker threads. Default: the cores there are, less one for the axon's own thread (at least 1). */
  threads?: number;
}

/** One verification: the claimed SS58 address, the signed text, the `0x…` signature. */
type Job = readonly [address: string, message: string, signature: string];

/**
 * sr25519 verification on worker threads, for `BittensorAxon`'s `verifier`:
 * a signature check (about 0.4 ms of pure JavaScript) leaves the axon's event
 * loop, which keeps reading, hashing and answering meanwhile. Checks that
 * arrive in the same turn of the event loop go to a worker as one message.
 * Each worker keeps its own tables of the keys it has verified.
 *
 * @example
 * ```ts
 * const verifier = await Sr25519VerifierPool.start();
 * const axon = new BittensorAxon({ hotkey, routes, verifier });
 * ```
 */
export class Sr25519VerifierPool {
  readonly #workers: WorkerBatches<Job, string | undefined>;

  private constructor(workers: WorkerBatches<Job, string | undefined>) {
    this.#workers = workers;
  }

  /** Starts the workers; resolves once each is online. */
  static async start(options: Sr25519VerifierPoolOptions = {}): Promise<Sr25519VerifierPool> {
    const threads = options.threads ?? Math.max(1, availableParallelism() - 1);
    const filename = builtModulePath(new URL('./verifier-worker.js', import.meta.url));
    return new Sr25519VerifierPool(await WorkerBatches.start(filename, threads, CODEC));
  }

  /** What `sr25519SignatureRefusal` says of this signature, computed on a worker. */
  refusal(address: string, message: string, signature: string): Promise<string | undefined> {
    return this.#workers.submit([address, message, signature]);
  }

  /** Stops the workers; checks still pending fail. */
  close(): Promise<void> {
    return this.#workers.close(
      new MtError('MT_WIRE_POOL_CLOSED', 'the sr25519 verifier pool was closed'),
    );
  }
}

/** A batch is the jobs' strings in one array; the answers are refusals, `null` where it verified. */
const CODEC: BatchCodec<Job, string | undefined> = {
  pack: (jobs) => ({ batch: jobs.flat(), transfer: [] }),
  unpack: (answers) => (answers as (string | null)[]).map((refusal) => refusal ?? undefined),
};
