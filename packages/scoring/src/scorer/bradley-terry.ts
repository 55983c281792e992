/**
 * Fits Bradley-Terry strengths to pairwise preferences with the MM algorithm
 * (Hunter, 2004) and returns each item's expected probability of beating the
 * others, in (0, 1).
 *
 * `wins[i][j]` is how much `i` was preferred over `j` (fractional wins are
 * fine: 0.5 for a tie). Half a virtual tie is added to every pair, a standard
 * smoothing that keeps the fit finite when one item wins every comparison.
 */
export function bradleyTerry(
  wins: readonly (readonly number[])[],
  { iterations = 200, tolerance = 1e-10 } = {},
): number[] {
  const n = wins.length;
  if (n < 2) return new Array<number>(n).fill(0.5);
  const w = (i: number, j: number) => (i === j ? 0 : (wins[i]?.[j] ?? 0) + 0.5);
  let strength = new Array<number>(n).fill(1);
  for (let round = 0; round < iterations; round += 1) {
    const next = strength.map((si, i) => {
      let won = 0;
      let denominator = 0;
      for (let j = 0; j < n; j += 1) {
        if (j === i) continue;
        won += w(i, j);
        denominator += (w(i, j) + w(j, i)) / (si + (strength[j] ?? 1));
      }
      return won / denominator;
    });
    // Strengths are defined up to a scale; fix the geometric mean at 1.
    const logMean = next.reduce((a, s) => a + Math.log(s), 0) / n;
    const scaled = next.map((s) => s / Math.exp(logMean));
    const change = Math.max(...scaled.map((s, i) => Math.abs(s - (strength[i] ?? 1))));
    strength = scaled;
    if (change < tolerance) break;
  }
  return strength.map((si, i) => {
    let total = 0;
    for (let j = 0; j < n; j += 1) if (j !== i) total += si / (si + (strength[j] ?? 1));
    return total / (n - 1);
  });
}
