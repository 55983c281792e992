import * as poseidonLite from 'poseidon-lite';
import { InvalidZkmlInputError } from '../errors.js';

type PoseidonFn = (inputs: bigint[]) => bigint;

const poseidonByArity: readonly (PoseidonFn | undefined)[] = [
  undefined,
  poseidonLite.poseidon1,
  poseidonLite.poseidon2,
  poseidonLite.poseidon3,
  poseidonLite.poseidon4,
  poseidonLite.poseidon5,
  poseidonLite.poseidon6,
  poseidonLite.poseidon7,
  poseidonLite.poseidon8,
  poseidonLite.poseidon9,
  poseidonLite.poseidon10,
  poseidonLite.poseidon11,
  poseidonLite.poseidon12,
  poseidonLite.poseidon13,
  poseidonLite.poseidon14,
  poseidonLite.poseidon15,
  poseidonLite.poseidon16,
];

/** circomlib's Poseidon over 1 to 16 field elements. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const hash = poseidonByArity[inputs.length];
  if (!hash) {
    throw new InvalidZkmlInputError(
      'poseidon inputs',
      `Poseidon takes 1 to 16 inputs, got ${inputs.length}`,
    );
  }
  return hash([...inputs]);
}

/**
 * circuits/packed_poseidon.circom's `Sponge(n)`: `h_0 = count` (n by default), then
 * `h_c = Poseidon(h_{c−1}, chunk_c)` over chunks of up to 15 elements (the
 * last zero-padded). A commitment to any number of field elements.
 */
export function sponge(elements: readonly bigint[], count = elements.length): bigint {
  const width = Math.max(1, Math.min(elements.length, 15));
  let state = BigInt(count);
  for (let start = 0; start < Math.max(elements.length, 1); start += width) {
    const chunk = elements.slice(start, start + width);
    while (chunk.length < width) chunk.push(0n);
    state = poseidon([state, ...chunk]);
  }
  return state;
}
