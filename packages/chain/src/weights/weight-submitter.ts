import { type MtLogger, silentLogger } from '@mt/protocol';
import type { ChainClient } from '../contract/chain-client.js';
import { ChainCallFailedError } from '../errors.js';
import type { ChainKeypair } from '../keys/keypair.js';
import { randomSalt, type WeightReveal, weightCommitHash } from './commit-hash.js';
import { weightsNotYet } from './not-yet.js';
import type { U16Weights } from './u16-weights.js';

/** Something {@link WeightSubmitter.submit} did on the chain, or was told to wait for. */
export type WeightEvent =
  | { kind: 'set' | 'commit' | 'reveal'; weights: WeightReveal }
  | { kind: 'wait'; chainError: string };

/** What one {@link WeightSubmitter.submit} did. */
export interface WeightSubmission {
  /** The weights now on the chain in the clear (revealed or set by this call), if any. */
  applied: WeightReveal | undefined;
  /** Each thing done, in order: a reveal, then a set or a commit, or a wait. */
  events: WeightEvent[];
}

/** Options of {@link WeightSubmitter}. */
export interface WeightSubmitterOptions {
  chain: ChainClient;
  netuid: number;
  /** The validator's chain hotkey, which signs every weight call. */
  hotkey: ChainKeypair;
  /** Warnings about commits dropped or calls that must wait. Default: silent. */
  logger?: MtLogger;
}

function chainErrorOf(error: unknown): string | undefined {
  return ChainCallFailedError.isInstance(error) ? error.chainError : undefined;
}

/**
 * A validator's weights on one subnet, set in the clear or by commit-reveal,
 * whichever the subnet asks for: the bookkeeping of a commit (its salt and
 * hash) until its reveal window comes, next to the hash and the window it
 * depends on. Every branch is on the chain's error name, never its text:
 * - a reveal the chain calls early (`RevealTooEarly`) stays pending;
 * - a commit the chain no longer holds, or whose window has passed, is
 *   dropped and the weights are committed afresh;
 * - `CommitRevealDisabled` on a reveal drops the commit and sets the weights
 *   in the clear;
 * - a set or commit the chain calls early (`SettingWeightsTooFast`,
 *   `CommittingWeightsTooFast`, no permit yet) is a `wait`: the caller keeps
 *   its weights and calls again later.
 *
 * @example
 * ```ts
 * const submitter = new WeightSubmitter({ chain, netuid, hotkey });
 * const { applied } = await submitter.submit(toU16Weights(scores));
 * ```
 */
export class WeightSubmitter {
  readonly #options: WeightSubmitterOptions;
  readonly #logger: MtLogger;
  #pending: { reveal: WeightReveal; hash: `0x${string}` } | undefined;

  constructor(options: WeightSubmitterOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Whether a commit waits for its reveal. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Reveals the commit made earlier once its window has come, then, unless a
   * commit still waits, sets `weights` (or commits them where the subnet uses
   * commit-reveal). Empty weights are not sent.
   *
   * @throws ChainCallFailedError for any refusal that is not "not yet".
   */
  async submit(weights: U16Weights): Promise<WeightSubmission> {
    const { chain, netuid, hotkey } = this.#options;
    const config = await chain.subnet(netuid);
    const events: WeightEvent[] = [];
    let commitReveal = config.commitRevealEnabled;
    let applied: WeightReveal | undefined;
    if (this.#pending) {
      const outcome = await this.#reveal(this.#pending);
      if (outcome === 'disabled') commitReveal = false;
      else if (outcome) {
        applied = outcome;
        events.push({ kind: 'reveal', weights: outcome });
      }
    }
    if (this.#pending || weights.uids.length === 0) return { applied, events };
    const reveal: WeightReveal = {
      ...weights,
      salt: randomSalt(),
      versionKey: config.weightsVersionKey,
    };
    try {
      if (!commitReveal) {
        await chain.setWeights(hotkey, netuid, weights, config.weightsVersionKey);
        events.push({ kind: 'set', weights: reveal });
        return { applied: reveal, events };
      }
      const hash = weightCommitHash(hotkey.address, netuid, reveal);
      await chain.commitWeights(hotkey, netuid, hash);
      this.#pending = { reveal, hash };
      events.push({ kind: 'commit', weights: reveal });
      return { applied, events };
    } catch (error) {
      // A validator newly staked has no permit until the next epoch grants one, and a
      // subnet's rate limit may be raised under it: either way the caller keeps its
      // weights for a later call. Any other refusal is the caller's to see.
      if (!weightsNotYet(error, 'update')) throw error;
      const chainError = chainErrorOf(error) ?? '';
      this.#logger.warn({ chainError }, 'the chain asks to wait; weights are kept for later');
      events.push({ kind: 'wait', chainError });
      return { applied, events };
    }
  }

  /** The pending commit revealed (its weights), kept (undefined), or given up on because commit-reveal was switched off. */
  async #reveal(pending: {
    reveal: WeightReveal;
    hash: `0x${string}`;
  }): Promise<WeightReveal | 'disabled' | undefined> {
    const { chain, netuid, hotkey } = this.#options;
    const commit = (await chain.pendingCommits(netuid, hotkey.address)).find(
      (c) => c.hash === pending.hash,
    );
    if (!commit) {
      this.#logger.warn(
        { hash: pending.hash },
        'the chain holds no such commit any more; committing afresh',
      );
      this.#pending = undefined;
      return undefined;
    }
    const head = await chain.head();
    if (head > commit.revealUntil) {
      // The window passed (a validator that was down, or slow rounds): the chain drops
      // such a commit when it next reads it; this one commits afresh.
      this.#logger.warn(
        { hash: pending.hash, revealUntil: commit.revealUntil },
        'reveal window missed; committing afresh',
      );
      this.#pending = undefined;
      return undefined;
    }
    // The call lands in the next block on a node, in the head on LocalChain: try from the block before.
    if (head + 1 < commit.revealFrom) return undefined;
    try {
      await chain.revealWeights(hotkey, netuid, pending.reveal);
      this.#pending = undefined;
      return pending.reveal;
    } catch (error) {
      const name = chainErrorOf(error);
      if (name === 'CommitRevealDisabled') {
        // The owner switched commit-reveal off between our commit and its reveal: the
        // commit can never be revealed, so the current weights are set in the clear.
        this.#logger.warn({ chainError: name }, 'commit-reveal was switched off; setting weights');
        this.#pending = undefined;
        return 'disabled';
      }
      if (weightsNotYet(error, 'reveal')) return undefined;
      throw error;
    }
  }
}
