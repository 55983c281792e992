import { ChainRejectedError } from './errors.js';

const U64_MAX = 2n ** 64n - 1n;

/**
 * Checks an amount of rao (or another u64) before it is signed: a bigint
 * from 0 to 2^64 − 1, as subtensor's balances are. 2^2000 is refused here.
 */
export function checkAmount(value: bigint, field: string): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U64_MAX) {
    throw new ChainRejectedError(
      field,
      `must be a bigint from 0 to 2^64 − 1 (got ${String(value).slice(0, 40)})`,
    );
  }
  return value;
}
