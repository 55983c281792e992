import { div } from './fixed.js';

/** `inplace_normalize`: divides by the sum unless it is zero. */
export function normalize(values: readonly number[]): number[] {
  let total = 0;
  for (const value of values) total += value;
  return normalizeUsingSum(values, total);
}

/** `inplace_normalize_using_sum`. */
export function normalizeUsingSum(values: readonly number[], total: number): number[] {
  if (total === 0) return values.slice();
  return values.map((value) => div(value, total));
}

/**
 * `is_topk_nonzero`: every non-zero entry is in, then, if there are at least
 * `k` entries, the `n − k` smallest (stable ascending sort, so ties fall on the
 * lower index first) are taken out.
 */
export function topKNonZero(values: readonly number[], k: number): boolean[] {
  const result = values.map((value) => value !== 0);
  const n = values.length;
  if (n < k) return result;
  const order = values
    .map((_, i) => i)
    .sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0) || a - b);
  for (const i of order.slice(0, n - k)) result[i] = false;
  return result;
}

/**
 * The chain's stake-weighted median (`weighted_median`): a mid-pivot search
 * over `partition`, returning the largest score whose upper stake reaches
 * the majority. Reproduced step for step, so ties resolve as on the chain.
 */
export function weightedMedian(
  stake: readonly number[],
  score: readonly number[],
  partition: readonly number[],
  minority: number,
  partitionLo: number,
  partitionHi: number,
): number {
  let part = partition;
  let lo = partitionLo;
  let hi = partitionHi;
  for (;;) {
    const n = part.length;
    if (n === 0) return 0;
    if (n === 1) return score[part[0] ?? 0] ?? 0;
    const pivot = score[part[Math.floor(n / 2)] ?? 0] ?? 0;
    let loStake = 0;
    let hiStake = 0;
    const lower: number[] = [];
    const upper: number[] = [];
    for (const index of part) {
      const value = score[index] ?? 0;
      if (value === pivot) continue;
      if (value < pivot) {
        loStake += stake[index] ?? 0;
        lower.push(index);
      } else {
        hiStake += stake[index] ?? 0;
        upper.push(index);
      }
    }
    if (lo + loStake <= minority && minority < hi - hiStake) return pivot;
    if (minority < lo + loStake && lower.length > 0) {
      part = lower;
      hi = lo + loStake;
    } else if (hi - hiStake <= minority && upper.length > 0) {
      part = upper;
      lo = hi - hiStake;
    } else {
      return pivot;
    }
  }
}

/**
 * `weighted_median_col_sparse`: per column, the κ-majority median of the
 * scores of rows with positive stake (stake renormalised over those rows;
 * a missing entry counts as 0).
 */
export function weightedMedianColumns(
  stake: readonly number[],
  rows: readonly { idx: number[]; val: number[] }[],
  columns: number,
  majority: number,
): number[] {
  const useStake = normalize(stake.filter((s) => s > 0));
  let stakeSum = 0;
  for (const s of useStake) stakeSum += s;
  const minority = stakeSum - majority;
  const partition = useStake.map((_, k) => k);
  const byColumn: number[][] = Array.from({ length: columns }, () =>
    new Array<number>(useStake.length).fill(0),
  );
  let k = 0;
  stake.forEach((s, r) => {
    if (s <= 0) return;
    const row = rows[r];
    if (row) {
      for (let e = 0; e < row.idx.length; e += 1) {
        const column = byColumn[row.idx[e] ?? 0];
        if (column) column[k] = row.val[e] ?? 0;
      }
    }
    k += 1;
  });
  return byColumn.map((scores) =>
    weightedMedian(useStake, scores, partition, minority, 0, stakeSum),
  );
}
