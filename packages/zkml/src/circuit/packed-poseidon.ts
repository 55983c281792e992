import { InvalidZkmlInputError } from '../errors.js';
import { check } from '../option-checks.js';
import { sponge } from './poseidon.js';

/** The BN254 scalar field order: every circuit value lives modulo this prime. */
export const FIELD_PRIME =
  21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** The number of bits that holds every value of `values` as a signed integer: −2^(B−1) ≤ v < 2^(B−1). */
export function signedBitsFor(values: Iterable<bigint>): number {
  let max = 0n;
  for (const v of values) {
    const need = v < 0n ? -v - 1n : v;
    if (need > max) max = need;
  }
  return max.toString(2).length + (max === 0n ? 0 : 1);
}

/**
 * The commitment `circuits/packed_poseidon.circom` computes: each value
 * is offset by 2^(bits−1) into [0, 2^bits), floor(253 / bits) values are
 * packed per field element, and the elements are absorbed 15 at a time
 * after the count: `h_0 = n`, `h_c = Poseidon(h_{c−1}, chunk_c)`. No
 * values (a graph of constants has no input) hash as `Poseidon(0, 0)`,
 * which the generated circuit writes as a constant.
 *
 * @throws InvalidZkmlInputError when a value does not fit in `bits` signed bits.
 */
export function packedPoseidon(values: readonly bigint[], bits: number): bigint {
  check.integer('bits', bits, 1, 249);
  const offset = 1n << BigInt(bits - 1);
  const perElement = Math.floor(253 / bits);
  const packed: bigint[] = [];
  for (let start = 0; start < values.length; start += perElement) {
    let acc = 0n;
    values.slice(start, start + perElement).forEach((value, j) => {
      const shifted = value + offset;
      if (shifted < 0n || shifted >= offset * 2n) {
        throw new InvalidZkmlInputError(
          `values[${start + j}]`,
          `${value} does not fit in ${bits} signed bits`,
        );
      }
      acc += shifted << BigInt(bits * j);
    });
    packed.push(acc);
  }
  return sponge(packed, values.length);
}
