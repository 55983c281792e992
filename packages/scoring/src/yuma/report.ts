import { toU16Proportion } from './fixed.js';
import type { EpochResult } from './types.js';

/**
 * One epoch in the encodings of the reference vectors' `expect`: u16 storage
 * values, rao amounts, bonds as sparse `[row, column, u16]` triples, and the
 * fraction forms (`u16 / 65535`) beside them.
 */
export interface EpochReport {
  /** Index of the epoch step in the scenario's `steps`. */
  step: number;
  block: number;
  consensus_u16: number[];
  incentive_u16: number[];
  dividends_u16: number[];
  validator_trust_u16: number[];
  stake_weight_u16: number[];
  active: boolean[];
  validator_permit: boolean[];
  emission_rao: bigint[];
  server_emission_rao: bigint[];
  validator_emission_rao: bigint[];
  bonds_u16: [number, number, number][];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validator_trust: number[];
  bonds_fraction: [number, number, number][];
}

const fraction = (u16: number) => u16 / 65_535;

/** Builds the report of the epoch at `step` from its result. */
export function describeEpoch(step: number, result: EpochResult): EpochReport {
  const u16 = (values: number[]) => values.map(toU16Proportion);
  const bonds = result.state.bonds.flatMap((row, i) =>
    row.map(([j, value]): [number, number, number] => [i, j, value]),
  );
  const consensus = u16(result.consensus);
  const incentive = u16(result.incentive);
  const dividends = u16(result.dividends);
  const validatorTrust = u16(result.validatorTrust);
  return {
    step,
    block: result.state.currentBlock,
    consensus_u16: consensus,
    incentive_u16: incentive,
    dividends_u16: dividends,
    validator_trust_u16: validatorTrust,
    stake_weight_u16: u16(result.stake),
    active: result.active,
    validator_permit: result.state.validatorPermit,
    emission_rao: result.emission,
    server_emission_rao: result.serverEmission,
    validator_emission_rao: result.validatorEmission,
    bonds_u16: bonds,
    consensus: consensus.map(fraction),
    incentive: incentive.map(fraction),
    dividends: dividends.map(fraction),
    validator_trust: validatorTrust.map(fraction),
    bonds_fraction: bonds.map(([i, j, value]): [number, number, number] => [i, j, fraction(value)]),
  };
}

/**
 * JSON text of `value` in which bigints are written as plain JSON integers,
 * so rao amounts past 2^53 keep every digit.
 */
export function toExactJson(value: unknown): string {
  // Bigints become marked strings, then the quotes come off. Only a string that
  // itself starts with a NUL followed by 'bigint:' and digits could collide.
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `\u0000bigint:${item.toString()}` : item,
  );
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}
