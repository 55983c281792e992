import { ChainRejectedError } from '../errors.js';

/** Weights as the chain takes them: UIDs and u16 values, one per UID. */
export interface U16Weights {
  uids: number[];
  values: number[];
}

const U16_MAX = 65_535;

/**
 * Scores per UID as the chain's u16 weights, the way Bittensor's SDK emits
 * them (`convert_weights_and_uids_for_emit`): the largest becomes 65535,
 * the rest scale with it and round to nearest, zeros are dropped, and UIDs
 * come out in ascending order. All-zero scores give no weights.
 *
 * @throws ChainRejectedError on a negative or non-finite score, a UID that is not a u16, or a UID given twice.
 */
export function toU16Weights(scores: ReadonlyMap<number, number>): U16Weights {
  let max = 0;
  for (const [uid, score] of scores) {
    if (!Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
      throw new ChainRejectedError('uids', `hold ${uid}, which is not a u16`);
    }
    if (!Number.isFinite(score) || score < 0) {
      throw new ChainRejectedError(`weights[${uid}]`, `is ${score}; scores are finite and ≥ 0`);
    }
    max = Math.max(max, score);
  }
  const uids: number[] = [];
  const values: number[] = [];
  if (max === 0) return { uids, values };
  for (const uid of [...scores.keys()].sort((a, b) => a - b)) {
    const value = Math.round(((scores.get(uid) ?? 0) / max) * U16_MAX);
    if (value === 0) continue;
    uids.push(uid);
    values.push(value);
  }
  return { uids, values };
}

/**
 * Checks weights a caller built: as many values as UIDs, UIDs distinct u16s,
 * values u16s. The one check every implementation runs before signing.
 */
export function checkU16Weights(weights: U16Weights, field = 'weights'): void {
  const { uids, values } = weights;
  if (!Array.isArray(uids) || !Array.isArray(values) || uids.length !== values.length) {
    throw new ChainRejectedError(
      field,
      `need as many values as UIDs (${uids?.length} UIDs, ${values?.length} values)`,
    );
  }
  if (uids.length > U16_MAX) throw new ChainRejectedError(field, `have ${uids.length} entries`);
  const seen = new Set<number>();
  uids.forEach((uid, i) => {
    if (!Number.isInteger(uid) || uid < 0 || uid > U16_MAX) {
      throw new ChainRejectedError(`${field}.uids[${i}]`, `is ${uid}, not a u16`);
    }
    if (seen.has(uid)) throw new ChainRejectedError(`${field}.uids[${i}]`, `repeats UID ${uid}`);
    seen.add(uid);
  });
  values.forEach((value, i) => {
    if (!Number.isInteger(value) || value < 0 || value > U16_MAX) {
      throw new ChainRejectedError(`${field}.values[${i}]`, `is ${value}, not a u16`);
    }
  });
}
