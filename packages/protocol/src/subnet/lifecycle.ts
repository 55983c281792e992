import { IllegalTransitionError } from '../errors.js';

/** The states of a subnet, in the order a healthy one passes through them. */
export const subnetStates = [
  'created',
  'starting',
  'ready',
  'stopping',
  'stopped',
  'failed',
] as const;

/** One of {@link subnetStates}. */
export type SubnetState = (typeof subnetStates)[number];

/** A change of lifecycle state, as delivered to listeners. */
export interface StateChange {
  from: SubnetState;
  to: SubnetState;
  /** Set when the change is to `failed`: what went wrong. */
  error?: unknown;
}

/** Listener of {@link Lifecycle} changes. */
export type StateChangeListener = (change: StateChange) => void;

/**
 * Every legal move. `failed → stopping` lets a half-started subnet release what
 * it holds; `stopped → starting` lets a stopped one be set up again.
 */
const legalMoves: Readonly<Record<SubnetState, readonly SubnetState[]>> = {
  created: ['starting'],
  starting: ['ready', 'failed'],
  ready: ['stopping'],
  stopping: ['stopped', 'failed'],
  stopped: ['starting'],
  failed: ['stopping'],
};

/** Why a move is illegal, phrased as what to do instead. */
function explain(from: SubnetState, to: SubnetState): string {
  if (to === 'starting' && from === 'starting') return 'setup() is already in progress; await it.';
  if (to === 'starting' && from === 'ready') return 'the subnet is already set up.';
  if (to === 'starting' && from === 'failed') return 'call teardown() before setting it up again.';
  if (to === 'starting' && from === 'stopping') return 'teardown() is in progress; await it first.';
  if (to === 'stopping' && from === 'created')
    return 'it was never set up; there is nothing to tear down.';
  if (to === 'stopping' && from === 'starting') return 'await setup() before tearing down.';
  if (to === 'stopping' && (from === 'stopping' || from === 'stopped')) {
    return 'teardown() has already been called.';
  }
  return `the lifecycle allows only ${from} → ${legalMoves[from].join(' | ')}.`;
}

/**
 * The lifecycle state machine of a subnet:
 * `created → starting → ready → stopping → stopped`, with `failed` reachable
 * from `starting` and `stopping`. Any other move throws
 * {@link IllegalTransitionError} and leaves the state as it was.
 */
export class Lifecycle {
  #state: SubnetState = 'created';
  readonly #listeners = new Set<StateChangeListener>();

  /** The current state. */
  get state(): SubnetState {
    return this.#state;
  }

  /** True when `to` is a legal next state. */
  canMoveTo(to: SubnetState): boolean {
    return legalMoves[this.#state].includes(to);
  }

  /** Moves to `to` or throws {@link IllegalTransitionError}. */
  moveTo(to: SubnetState, error?: unknown): void {
    const from = this.#state;
    if (!this.canMoveTo(to)) throw new IllegalTransitionError(from, to, explain(from, to));
    this.#state = to;
    const change: StateChange = error === undefined ? { from, to } : { from, to, error };
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (listenerError) {
        // A listener must not undo a transition that already happened, and its
        // error must not vanish either: surface it as an uncaught exception.
        queueMicrotask(() => {
          throw listenerError;
        });
      }
    }
  }

  /** Calls `listener` on every change; returns a function that unsubscribes it. */
  subscribe(listener: StateChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
