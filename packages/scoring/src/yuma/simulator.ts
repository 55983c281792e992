import { InvalidScoringInputError } from '../errors.js';
import { runEpoch } from './epoch.js';
import { maxUpscaleU16 } from './max-upscale.js';
import type { EpochResult, U16Entry, YumaParams, YumaState } from './types.js';
import { validateYumaInput } from './validate.js';

/**
 * A subnet's consensus state over time: replays `set_weights`, block
 * advances and epochs the way the chain applies them.
 *
 * @example
 * ```ts
 * const sim = new YumaSimulator(params, initialState);
 * sim.advanceToBlock(2);
 * sim.setWeights(0, [4, 5], [65535, 32767]);
 * const { incentive, emission } = sim.epoch();
 * ```
 */
export class YumaSimulator {
  readonly #params: YumaParams;
  #state: YumaState;

  constructor(params: YumaParams, state: YumaState) {
    validateYumaInput(params, state);
    this.#params = params;
    this.#state = cloneState(state);
  }

  /** A copy of the current state. */
  get state(): YumaState {
    return cloneState(this.#state);
  }

  /**
   * `set_weights` from `uid`: values are max-upscaled to u16 as the chain
   * stores them, the row is kept sorted by UID, and `lastUpdate` becomes the
   * current block. Returns the stored row.
   */
  setWeights(uid: number, dests: readonly number[], valuesU16: readonly number[]): U16Entry[] {
    const { n } = this.#state;
    this.#requireUid('uid', uid);
    if (dests.length !== valuesU16.length) {
      throw new InvalidScoringInputError(
        'dests',
        `has ${dests.length} UIDs but values has ${valuesU16.length}; give one value per destination`,
      );
    }
    const seen = new Set<number>();
    dests.forEach((dest, k) => {
      if (!Number.isSafeInteger(dest) || dest < 0 || dest >= n) {
        throw new InvalidScoringInputError(
          `dests[${k}]`,
          `unknown UID ${dest}; UIDs run from 0 to ${n - 1}`,
        );
      }
      if (seen.has(dest))
        throw new InvalidScoringInputError(`dests[${k}]`, `UID ${dest} appears twice`);
      seen.add(dest);
    });
    const stored = maxUpscaleU16(valuesU16);
    const row = dests
      .map((dest, k): U16Entry => [dest, stored[k] ?? 0])
      .sort((a, b) => a[0] - b[0]);
    this.#state.weights[uid] = row;
    this.#state.lastUpdate[uid] = this.#state.currentBlock;
    this.#state.commitBlocks[uid] = null;
    return row;
  }

  /** Records a weight commit by `uid` at the current block (commit-reveal); the earliest pending commit counts. */
  commitWeights(uid: number): void {
    this.#requireUid('uid', uid);
    this.#state.commitBlocks[uid] ??= this.#state.currentBlock;
  }

  /**
   * Subtensor's `reset_bonds_column_for_hotkey`: when `bondsReset` is on,
   * removes column `uid` from every validator's bonds row, so the next epoch
   * starts that miner's bonds from nothing. Returns whether it reset (off,
   * it does nothing, as the chain does).
   */
  resetBonds(uid: number): boolean {
    this.#requireUid('uid', uid);
    if (!this.#params.bondsReset) return false;
    this.#state.bonds = this.#state.bonds.map((row) => row.filter(([j]) => j !== uid));
    return true;
  }

  /** Moves the chain forward to `block`. */
  advanceToBlock(block: number): void {
    if (!Number.isSafeInteger(block) || block < this.#state.currentBlock) {
      throw new InvalidScoringInputError(
        'block',
        `must be an integer at or after the current block ${this.#state.currentBlock}, got ${block}`,
      );
    }
    this.#state.currentBlock = block;
  }

  /** Runs an epoch at the current block and keeps the state it leaves. */
  epoch(): EpochResult {
    const result = runEpoch(this.#params, this.#state);
    this.#state = cloneState(result.state);
    return result;
  }

  #requireUid(field: string, uid: number): void {
    if (!Number.isSafeInteger(uid) || uid < 0 || uid >= this.#state.n) {
      throw new InvalidScoringInputError(
        field,
        `unknown UID ${uid}; UIDs run from 0 to ${this.#state.n - 1}`,
      );
    }
  }
}

function cloneState(state: YumaState): YumaState {
  return {
    ...state,
    stake: state.stake.slice(),
    blockAtRegistration: state.blockAtRegistration.slice(),
    lastUpdate: state.lastUpdate.slice(),
    validatorPermit: state.validatorPermit.slice(),
    weights: state.weights.map((row) => row.slice()),
    bonds: state.bonds.map((row) => row.slice()),
    commitBlocks: state.commitBlocks.slice(),
  };
}
