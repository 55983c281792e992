import {
  div,
  expSafe,
  fromInt,
  fromU16Proportion,
  mul,
  ONE,
  reciprocalOnePlus,
  toU16Proportion,
} from './fixed.js';
import {
  colClip,
  colMaxUpscale,
  colNormalize,
  densify,
  emaConstant,
  emaPerCell,
  filterEntries,
  interpolate,
  matmulColumns,
  matmulRows,
  rowNormalize,
  rowSums,
  type SparseMatrix,
  scaleColumns,
  scaleRows,
} from './sparse.js';
import type { EpochResult, U16Entry, YumaParams, YumaState } from './types.js';
import { validateYumaInput } from './validate.js';
import { normalize, normalizeUsingSum, topKNonZero, weightedMedianColumns } from './vector.js';

/**
 * Runs one Yuma consensus epoch exactly as subtensor's sparse `epoch_mechanism`
 * does, in I32F32/I64F64 fixed point: pure, state in and state out.
 *
 * @example
 * ```ts
 * const { state, dividends, emission } = runEpoch(params, state);
 * toU16Proportion(dividends[0]); // the stored Dividends value of UID 0
 * ```
 */
export function runEpoch(params: YumaParams, input: YumaState): EpochResult {
  validateYumaInput(params, input);
  const { n } = input;
  const owner = params.ownerUid;

  const active = input.lastUpdate.map(
    (updated) => !(updated + params.activityCutoffBlocks < input.currentBlock),
  );
  const stake = normalizedStake(input.stake, params.stakeThreshold, owner);

  const oldPermit = input.validatorPermit.map((permit, uid) => permit || uid === owner);
  const newPermit = topKNonZero(stake, params.maxAllowedValidators).map(
    (permit, uid) => permit || uid === owner,
  );
  const activeStake = normalize(stake.map((s, uid) => (active[uid] && oldPermit[uid] ? s : 0)));

  // Weights: permitted rows, no self-weight (but the owner's), no weight set
  // before its target (re)registered or before a pending commit, row-normalised.
  const commitBlocks = input.commitBlocks;
  let weights = toMatrix(input.weights, fromInt);
  weights = filterEntries(weights, (i, j) => {
    if (!oldPermit[i]) return false;
    if (i === j && i !== owner) return false;
    const registered = input.blockAtRegistration[j] ?? 0;
    if ((input.lastUpdate[i] ?? 0) <= registered) return false;
    const committed = commitBlocks[i];
    return !(
      params.commitReveal &&
      committed !== null &&
      committed !== undefined &&
      committed < registered
    );
  });
  rowNormalize(weights);

  const kappa = fromU16Proportion(params.kappaU16);
  const consensus = weightedMedianColumns(activeStake, weights, n, kappa);
  const clipped = colClip(weights, consensus);
  const validatorTrust = rowSums(clipped);
  const incentive = normalize(matmulColumns(clipped, activeStake, n));
  const weightsForBonds = interpolate(
    weights,
    clipped,
    n,
    fromU16Proportion(params.bondsPenaltyU16),
  );

  const lastTempo =
    input.lastMechanismStepBlock > 0
      ? input.lastMechanismStepBlock + 1
      : Math.max(0, input.currentBlock - params.tempo);
  const keepBond = (_i: number, j: number) => !(lastTempo <= (input.blockAtRegistration[j] ?? 0));
  const emaAlpha = ONE - movingAverageFraction(params.bondsMovingAverage);

  let dividends: number[];
  let storedBonds: SparseMatrix;
  if (params.yuma3) {
    const bonds = filterEntries(toMatrix(input.bonds, fromU16Proportion), keepBond);
    const liquid = params.liquidAlpha.enabled && consensus.some((c) => c !== 0);
    const ema = liquid
      ? emaPerCell(weightsForBonds, bonds, liquidAlphas(params, weightsForBonds, bonds, consensus))
      : emaConstant(weightsForBonds, bonds, emaAlpha, n);
    const emaNormalized = ema.map((row) => ({ idx: row.idx.slice(), val: row.val.slice() }));
    colNormalize(emaNormalized, n);
    const bondValue = rowSums(scaleColumns(emaNormalized, incentive));
    // `vec_mul` uses checked_mul and gives 0 on overflow, which cannot happen for values ≤ 1.
    dividends = normalize(bondValue.map((value, i) => mul(value, activeStake[i] ?? 0)));
    storedBonds = ema;
  } else {
    const bonds = filterEntries(toMatrix(input.bonds, fromInt), keepBond);
    colNormalize(bonds, n);
    const delta = scaleRows(weightsForBonds, activeStake);
    colNormalize(delta, n);
    const ema = emaConstant(delta, bonds, emaAlpha, n);
    colNormalize(ema, n);
    dividends = normalize(matmulRows(ema, incentive));
    colMaxUpscale(ema, n);
    storedBonds = ema;
  }

  const combined = incentive.map((value, uid) => value + (dividends[uid] ?? 0));
  const emissionSum = combined.reduce((a, b) => a + b, 0);
  const serverShare = normalizeUsingSum(incentive, emissionSum);
  let validatorShare = normalizeUsingSum(dividends, emissionSum);
  let combinedShare = normalize(combined);
  if (emissionSum === 0) {
    // No usable weights: validators are paid by active stake, or by stake.
    const fallback = activeStake.some((s) => s !== 0) ? activeStake : stake;
    validatorShare = fallback.slice();
    combinedShare = fallback.slice();
  }

  const bondsAfter: U16Entry[][] = input.bonds.map((row, uid) => {
    if (newPermit[uid]) {
      const emaRow = storedBonds[uid] ?? { idx: [], val: [] };
      return emaRow.idx.map((j, k): U16Entry => [j, toU16Proportion(emaRow.val[k] ?? 0)]);
    }
    // A UID that loses its permit gets an empty row; one that never had one keeps its row.
    return input.validatorPermit[uid] || uid === owner ? [] : row.slice();
  });

  return {
    state: { ...input, validatorPermit: newPermit, bonds: bondsAfter },
    stake,
    activeStake,
    active,
    consensus,
    validatorTrust,
    incentive,
    dividends,
    serverEmission: serverShare.map((share) => toRao(share, params.raoEmission)),
    validatorEmission: validatorShare.map((share) => toRao(share, params.raoEmission)),
    emission: combinedShare.map((share) => toRao(share, params.raoEmission)),
  };
}

/** Stake normalised in I64F64 and truncated to I32F32, below-threshold stake zeroed (owner exempt). */
function normalizedStake(
  stake: readonly bigint[],
  threshold: bigint,
  owner: number | null,
): number[] {
  const filtered = stake.map((s, uid) => (s < threshold && uid !== owner ? 0n : s));
  const total = filtered.reduce((a, b) => a + b, 0n);
  if (total === 0n) return filtered.map(() => 0);
  return filtered.map((s) => Number(((s << 64n) / total) >> 32n));
}

/** `BondsMovingAverage / 1e6` computed in I64F64, then truncated to I32F32. */
function movingAverageFraction(movingAverage: number): number {
  return Number(((BigInt(movingAverage) << 64n) / 1_000_000n) >> 32n);
}

/** `⌊share · E⌋` through I96F32, as the chain converts shares to rao. */
function toRao(share: number, rao: bigint): bigint {
  if (share <= 0) return 0n;
  return (BigInt(share) * rao) >> 32n;
}

function toMatrix(rows: readonly U16Entry[][], convert: (value: number) => number): SparseMatrix {
  return rows.map((row) => {
    const idx = new Array<number>(row.length);
    const val = new Array<number>(row.length);
    for (let k = 0; k < row.length; k += 1) {
      const [uid, value] = row[k] as U16Entry;
      idx[k] = uid;
      val[k] = convert(value);
    }
    return { idx, val };
  });
}

/**
 * Liquid Alpha 2: a per-cell EMA rate from a sigmoid of how far the weight sits
 * above consensus (buying) or the bond above the weight (selling).
 */
function liquidAlphas(
  params: YumaParams,
  weights: SparseMatrix,
  bonds: SparseMatrix,
  consensus: readonly number[],
): number[][] {
  const low = fromU16Proportion(params.liquidAlpha.alphaLowU16);
  const high = fromU16Proportion(params.liquidAlpha.alphaHighU16);
  const slope = div(fromInt(params.liquidAlpha.sigmoidSteepness), fromInt(-100));
  const half = ONE / 2;
  const columns = consensus.length;
  return weights.map((weightRow, i) => {
    // The EMA emits only cells present in the weight row, so an empty row needs no alphas.
    if (weightRow.idx.length === 0) return [];
    const w = densify(weightRow, columns);
    const b = densify(bonds[i] ?? { idx: [], val: [] }, columns);
    return consensus.map((c, j) => {
      const weight = w[j] ?? 0;
      const bond = b[j] ?? 0;
      const difference = weight >= bond ? clamp(weight - c, 0, ONE) : clamp(bond - weight, 0, ONE);
      const sigmoid = reciprocalOnePlus(expSafe(mul(slope, difference - half)));
      return clamp(low + mul(sigmoid, high - low), low, high);
    });
  });
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}
