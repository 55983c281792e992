/** The powers of tau (2^power) a circuit of `rows` constraints and public signals needs. */
export function powerFor(rows: number): number {
  return Math.max(1, Math.floor(Math.log2(Math.max(1, rows - 1))) + 1);
}
