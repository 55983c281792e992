/**
 * Where a request to a miner's server ended: the stage that refused it, or
 * `answered` when the handler's output was sent. Our own miner handler and
 * Bittensor's axon (`@mt/wire/bittensor`) each run a subset, in their own
 * order (see each one's description).
 */
export type WireStage =
  | 'body'
  | 'envelope'
  | 'headers'
  | 'blacklist'
  | 'verify'
  | 'rate_limit'
  | 'replay'
  | 'route'
  | 'parse'
  | 'body_hash'
  | 'deadline'
  | 'queue'
  | 'handler'
  | 'answered';

/** One request the miner server answered, as reported to a {@link MinerServerObserver}. */
export interface WireResponseEvent {
  /** The route pattern (`/v1/tasks/:taskType`, `/health`, ...), or `unmatched`; never the raw URL. */
  route: string;
  /**
   * The task type when it is one the server serves, `unknown` for any other
   * (a peer chooses the URL, so it never becomes a label as it is), and
   * undefined off the task route.
   */
  taskType?: string;
  status: number;
  /** The error code of a refusal (`MT_WIRE_RATE_LIMITED`, ...). */
  code?: string;
  /** Task requests only. */
  stage?: WireStage;
  /** The verified sender, when verification got that far. */
  sender?: string;
  /** From arrival to the answer being handed to the socket. */
  durationMs: number;
}

/** What the miner server lets an observer read at any time. */
export interface MinerServerProbe {
  /** The task queue now: tasks waiting and running. */
  queue(): { waiting: number; running: number };
}

/**
 * Receives what the miner server does, for metrics or audit. `@mt/telemetry`'s
 * `WireMetrics` implements it for Prometheus. Calls are synchronous and must
 * not throw; an observer that throws is a bug in the observer, which the
 * server logs at error (through its `logger`) instead of dropping answers.
 */
export interface MinerServerObserver {
  /** Called once, when the server starts listening. */
  attach?(probe: MinerServerProbe): void;
  /** Called once per answered request, on every route. */
  response?(event: WireResponseEvent): void;
}
