import { FIELD_PRIME } from '@mt/zkml/internal';
import * as snarkjs from 'snarkjs';

/** An R1CS as snarkjs exports it: each constraint is A·w × B·w = C·w over sparse rows. */
export interface R1cs {
  nVars: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  constraints: [Record<string, string>, Record<string, string>, Record<string, string>][];
}

/** Reads a compiled circuit's constraints. */
export async function readR1cs(path: string): Promise<R1cs> {
  return (await snarkjs.r1cs.exportJson(path)) as R1cs;
}

function dot(row: Record<string, string>, witness: readonly bigint[]): bigint {
  let acc = 0n;
  for (const [index, coefficient] of Object.entries(row))
    acc += BigInt(coefficient) * (witness[Number(index)] ?? 0n);
  return ((acc % FIELD_PRIME) + FIELD_PRIME) % FIELD_PRIME;
}

/** The indices of the constraints `witness` violates (none for a valid witness). */
export function violated(r1cs: R1cs, witness: readonly bigint[]): number[] {
  const broken: number[] = [];
  r1cs.constraints.forEach(([a, b, c], k) => {
    if ((dot(a, witness) * dot(b, witness)) % FIELD_PRIME !== dot(c, witness)) broken.push(k);
  });
  return broken;
}

/**
 * Changes every signal after the inputs (outputs and internal signals), one
 * at a time, by +1 and by −1, and returns those whose change no constraint
 * catches: for a sound circuit, none. Only the constraints that mention a
 * signal are re-checked for it.
 */
export function unconstrainedSignals(r1cs: R1cs, witness: readonly bigint[]): number[] {
  const mentions = new Map<number, number[]>();
  r1cs.constraints.forEach((rows, k) => {
    const seen = new Set<number>();
    for (const row of rows) for (const index of Object.keys(row)) seen.add(Number(index));
    for (const i of seen) {
      const list = mentions.get(i);
      if (list) list.push(k);
      else mentions.set(i, [k]);
    }
  });
  const holds = (k: number, w: readonly bigint[]) => {
    const [a, b, c] = r1cs.constraints[k] ?? [{}, {}, {}];
    return (dot(a, w) * dot(b, w)) % FIELD_PRIME === dot(c, w);
  };
  const loose: number[] = [];
  const firstInternal = 1 + r1cs.nOutputs + r1cs.nPubInputs + r1cs.nPrvInputs;
  const targets = [
    ...Array.from({ length: r1cs.nOutputs }, (_, i) => 1 + i),
    ...Array.from({ length: r1cs.nVars - firstInternal }, (_, i) => firstInternal + i),
  ];
  const tampered = [...witness];
  for (const i of targets) {
    const original = tampered[i] ?? 0n;
    const caught = [1n, FIELD_PRIME - 1n].every((delta) => {
      tampered[i] = (original + delta) % FIELD_PRIME;
      return (mentions.get(i) ?? []).some((k) => !holds(k, tampered));
    });
    tampered[i] = original;
    if (!caught) loose.push(i);
  }
  return loose;
}
