import { InvalidScoringInputError } from '../errors.js';
import { check } from '../option-checks.js';
import type { U16Entry, YumaParams, YumaState } from './types.js';

const U16_MAX = 65_535;

function fail(field: string, problem: string): never {
  throw new InvalidScoringInputError(field, problem);
}

const requireInteger = check.integer;

function requireLength(field: string, values: readonly unknown[], n: number): void {
  if (values.length !== n) fail(field, `expected ${n} entries (one per UID), got ${values.length}`);
}

/** One block number (or `null`, for an absent commit) per UID. */
function requireBlocks(field: string, blocks: readonly (number | null)[], n: number): void {
  requireLength(field, blocks, n);
  blocks.forEach((block, uid) => {
    if (block !== null) requireInteger(`${field}[${uid}]`, block, 0, Number.MAX_SAFE_INTEGER);
  });
}

function requireEntries(field: string, rows: readonly U16Entry[][], n: number): void {
  requireLength(field, rows, n);
  // One mark array reused for every row: this runs over a million entries on a large subnet.
  const seenInRow = new Int32Array(n).fill(-1);
  rows.forEach((row, i) => {
    for (let k = 0; k < row.length; k += 1) {
      const [uid, value] = row[k] as U16Entry;
      if (!(Number.isSafeInteger(uid) && uid >= 0 && uid < n)) {
        fail(`${field}[${i}][${k}].uid`, `unknown UID ${uid}; UIDs run from 0 to ${n - 1}`);
      }
      if (seenInRow[uid] === i)
        fail(`${field}[${i}][${k}].uid`, `UID ${uid} appears twice in the row`);
      seenInRow[uid] = i;
      if (!(Number.isInteger(value) && value >= 0 && value <= U16_MAX)) {
        requireInteger(`${field}[${i}][${k}].value`, value, 0, U16_MAX);
      }
    }
  });
}

/**
 * Checks every parameter and state field an epoch reads, and throws
 * {@link InvalidScoringInputError} naming the first bad one: NaN or Infinity,
 * negative stake, vectors whose length is not `n`, unknown or repeated UIDs,
 * values past u16.
 */
export function validateYumaInput(params: YumaParams, state: YumaState): void {
  requireInteger('params.kappaU16', params.kappaU16, 0, U16_MAX);
  requireInteger('params.bondsPenaltyU16', params.bondsPenaltyU16, 0, U16_MAX);
  requireInteger('params.bondsMovingAverage', params.bondsMovingAverage, 0, 1_000_000);
  requireInteger('params.liquidAlpha.alphaLowU16', params.liquidAlpha.alphaLowU16, 0, U16_MAX);
  requireInteger('params.liquidAlpha.alphaHighU16', params.liquidAlpha.alphaHighU16, 0, U16_MAX);
  if (params.liquidAlpha.alphaLowU16 > params.liquidAlpha.alphaHighU16) {
    fail('params.liquidAlpha.alphaLowU16', 'must not exceed alphaHighU16');
  }
  requireInteger(
    'params.liquidAlpha.sigmoidSteepness',
    params.liquidAlpha.sigmoidSteepness,
    -32_768,
    32_767,
  );
  if (params.stakeThreshold < 0n) fail('params.stakeThreshold', 'must not be negative');
  if (params.raoEmission < 0n) fail('params.raoEmission', 'must not be negative');
  requireInteger('params.tempo', params.tempo, 0, U16_MAX);
  requireInteger(
    'params.activityCutoffBlocks',
    params.activityCutoffBlocks,
    0,
    Number.MAX_SAFE_INTEGER,
  );
  requireInteger('params.maxAllowedValidators', params.maxAllowedValidators, 0, U16_MAX);

  const { n } = state;
  requireInteger('state.n', n, 0, U16_MAX + 1);
  if (params.ownerUid !== null)
    requireInteger('params.ownerUid', params.ownerUid, 0, Math.max(0, n - 1));
  requireLength('state.stake', state.stake, n);
  state.stake.forEach((s, uid) => {
    if (typeof s !== 'bigint' || s < 0n)
      fail(`state.stake[${uid}]`, `expected a non-negative rao amount, got ${s}`);
  });
  requireBlocks('state.blockAtRegistration', state.blockAtRegistration, n);
  requireBlocks('state.lastUpdate', state.lastUpdate, n);
  requireLength('state.validatorPermit', state.validatorPermit, n);
  requireBlocks('state.commitBlocks', state.commitBlocks, n);
  requireEntries('state.weights', state.weights, n);
  requireEntries('state.bonds', state.bonds, n);
  requireInteger('state.currentBlock', state.currentBlock, 0, Number.MAX_SAFE_INTEGER);
  requireInteger(
    'state.lastMechanismStepBlock',
    state.lastMechanismStepBlock,
    0,
    Number.MAX_SAFE_INTEGER,
  );
}
