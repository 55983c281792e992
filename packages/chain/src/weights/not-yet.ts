import { ChainCallFailedError } from '../errors.js';

/**
 * The chain's refusals of a weight call that mean "not yet": the same call
 * succeeds later, unchanged. Named as subtensor names them, on every runtime
 * this library speaks to and on `LocalChain`.
 */
const NOT_YET: Record<'reveal' | 'update', ReadonlySet<string>> = {
  // A reveal before its window: spec 218 and later, and LocalChain, say
  // RevealTooEarly; spec 202's block windows say InvalidRevealCommitTempo.
  reveal: new Set(['RevealTooEarly', 'InvalidRevealCommitTempo']),
  // A weight update or commit inside the rate limit, or before the first epoch
  // has given the validator its permit.
  update: new Set(['SettingWeightsTooFast', 'CommittingWeightsTooFast', 'NeuronNoValidatorPermit']),
};

/**
 * Whether `error` is the chain refusing a weight call of `kind` (a `reveal`,
 * or an `update`: set or commit) only for now, by the chain's error name.
 *
 * @example
 * ```ts
 * try { await chain.revealWeights(key, netuid, reveal); }
 * catch (error) { if (!weightsNotYet(error, 'reveal')) throw error; }
 * ```
 */
export function weightsNotYet(error: unknown, kind: 'reveal' | 'update'): boolean {
  return ChainCallFailedError.isInstance(error) && NOT_YET[kind].has(error.chainError);
}
