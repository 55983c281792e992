import { Worker } from 'node:worker_threads';

/** How a pool's jobs travel to its workers and how their answers come back. */
export interface BatchCodec<Job, Answer> {
  /** One message for a whole batch, and what to transfer rather than copy. */
  pack(jobs: readonly Job[]): { batch: unknown; transfer: ArrayBuffer[] };
  /** The answers of a batch of `count` jobs, in the jobs' order. */
  unpack(answers: unknown, count: number): Answer[];
}

interface Pending<Job, Answer> {
  job: Job;
  resolve: (answer: Answer) => void;
  reject: (error: unknown) => void;
}

/**
 * Worker threads fed in batches: jobs submitted in the same turn of the event
 * loop go to one worker as one message (round robin), so a message's cost is
 * shared by every job in it. The worker answers `{ id, answers }` for each
 * `{ id, batch }`. What `SignerPool` and `Sr25519VerifierPool` share.
 */
export class WorkerBatches<Job, Answer> {
  readonly #workers: Worker[];
  readonly #codec: BatchCodec<Job, Answer>;
  readonly #inFlight = new Map<number, Pending<Job, Answer>[]>();
  #pending: Pending<Job, Answer>[] = [];
  #flushScheduled = false;
  #nextId = 0;
  #nextWorker = 0;
  #failure: Error | undefined;

  private constructor(workers: Worker[], codec: BatchCodec<Job, Answer>) {
    this.#workers = workers;
    this.#codec = codec;
    for (const worker of workers) {
      worker.on('message', ({ id, answers }: { id: number; answers: unknown }) =>
        this.#settle(id, answers),
      );
      worker.on('error', (error) => this.#fail(error));
    }
  }

  /** Starts `threads` workers from the module at `filename`; resolves once each is online. */
  static async start<Job, Answer>(
    filename: string,
    threads: number,
    codec: BatchCodec<Job, Answer>,
  ): Promise<WorkerBatches<Job, Answer>> {
    const workers = Array.from({ length: threads }, () => new Worker(filename));
    try {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve, reject) => {
              worker.once('online', resolve);
              worker.once('error', reject);
            }),
        ),
      );
    } catch (error) {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw error;
    }
    return new WorkerBatches(workers, codec);
  }

  /** Runs `job` on a worker, in the next batch. */
  submit(job: Job): Promise<Answer> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#pending.push({ job, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Stops the workers; jobs still pending fail with `reason`. */
  async close(reason: Error): Promise<void> {
    this.#fail(reason);
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0 || this.#failure) return;
    const id = this.#nextId;
    this.#nextId = (this.#nextId + 1) % Number.MAX_SAFE_INTEGER;
    this.#inFlight.set(id, batch);
    const packed = this.#codec.pack(batch.map((p) => p.job));
    const worker = this.#workers[this.#nextWorker] as Worker;
    this.#nextWorker = (this.#nextWorker + 1) % this.#workers.length;
    worker.postMessage({ id, batch: packed.batch }, packed.transfer);
  }

  #settle(id: number, answers: unknown): void {
    const batch = this.#inFlight.get(id);
    this.#inFlight.delete(id);
    if (!batch) return;
    const unpacked = this.#codec.unpack(answers, batch.length);
    for (const [i, pending] of batch.entries()) pending.resolve(unpacked[i] as Answer);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    const all = [...this.#inFlight.values(), this.#pending].flat();
    this.#inFlight.clear();
    this.#pending = [];
    for (const pending of all) pending.reject(error);
  }
}
