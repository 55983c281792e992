import type { MtLogger } from '@mt/protocol';
import PQueue from 'p-queue';
import { WireReply } from '../http/wire-request.js';
import type { RateLimit } from './rate-limiter.js';

/** How much work a miner's server (our handler, Bittensor's axon) takes on at once. */
export interface SenderQueueOptions {
  /** Handlers running at once. Default 4. */
  concurrency?: number;
  /** Requests waiting beyond those running; past it, 429 `MT_WIRE_QUEUE_FULL`. Default 256. */
  maxQueue?: number;
  /**
   * Requests one sender may have waiting or running at once; past it, 429
   * `MT_WIRE_SENDER_BUSY`. Default 8: with `priority` by stake, many small
   * senders cannot fill the queue ahead of a large one, nor one sender
   * take every slot.
   */
  maxTasksPerSender?: number;
}

/**
 * The bounds every server of this package shares (our miner handler,
 * Bittensor's axon, the Epistula handler), documented and defaulted once.
 */
export interface ServerBounds extends SenderQueueOptions {
  /** Deepest JSON nesting accepted in a body; deeper is refused with 400. Default 64. */
  maxJsonDepth?: number;
  /** Bounds of the replay memory. Default 1,000 nonces per sender, 1,000 senders. */
  replay?: { perSenderCapacity?: number; maxSenders?: number };
  /** Per-sender token bucket; past it, 429 with Retry-After. Default 20 burst, 10/s. */
  rateLimit?: RateLimit;
  /**
   * One line per request at `debug`, server errors (5xx) at `warn`, each with
   * its route, status, error code, refusing stage, sender and time. Default: silent.
   */
  logger?: MtLogger;
}

/**
 * A bounded priority queue with a share per sender: the one place both of
 * the wire's servers admit work, so their limits and refusals are the same.
 */
export class SenderQueue {
  readonly #queue: PQueue;
  readonly #maxQueue: number;
  readonly #perSender: number;
  /** Work waiting or running, by sender; a sender with none has no entry, so it stays bounded. */
  readonly #held = new Map<string, number>();

  constructor(options: SenderQueueOptions = {}) {
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 4 });
    this.#maxQueue = options.maxQueue ?? 256;
    this.#perSender = options.maxTasksPerSender ?? 8;
  }

  /**
   * Runs `work` for `sender` when a slot frees, higher `priority` first;
   * refuses at once (429) when the queue or the sender's share is full, and
   * leaves the queue when `signal` fires (rejecting with its reason).
   */
  async run<T>(
    sender: string,
    priority: number,
    signal: AbortSignal,
    work: () => Promise<T> | T,
  ): Promise<T> {
    if (this.#queue.size >= this.#maxQueue)
      throw new WireReply(
        429,
        'MT_WIRE_QUEUE_FULL',
        `the queue is full (${this.#maxQueue} waiting); retry later`,
        { 'retry-after': '1' },
      );
    const held = this.#held.get(sender) ?? 0;
    if (held >= this.#perSender)
      throw new WireReply(
        429,
        'MT_WIRE_SENDER_BUSY',
        `you have ${held} tasks here already (at most ${this.#perSender}); retry when one is answered`,
        { 'retry-after': '1' },
      );
    this.#held.set(sender, held + 1);
    try {
      return (await this.#queue
        .add(
          () => {
            signal.throwIfAborted();
            return work();
          },
          { priority, signal },
        )
        .catch((error: unknown) => {
          throw signal.aborted ? signal.reason : error;
        })) as T;
    } finally {
      const left = (this.#held.get(sender) ?? 1) - 1;
      if (left > 0) this.#held.set(sender, left);
      else this.#held.delete(sender);
    }
  }

  /** Work waiting, and running. */
  get counts(): { waiting: number; running: number } {
    return { waiting: this.#queue.size, running: this.#queue.pending };
  }
}
