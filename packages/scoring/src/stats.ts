/** Median of a non-empty list (mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Arithmetic mean of a non-empty list. */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population variance (divides by n). */
export function populationVariance(values: readonly number[]): number {
  const m = mean(values);
  return mean(values.map((v) => (v - m) ** 2));
}

/** `Σ wᵢ·xᵢ / Σ wᵢ`; the caller guarantees a positive weight sum. */
export function weightedMean(values: readonly number[], weights: readonly number[]): number {
  let numerator = 0;
  let denominator = 0;
  values.forEach((value, i) => {
    const weight = weights[i] ?? 0;
    numerator += weight * value;
    denominator += weight;
  });
  return numerator / denominator;
}

/**
 * Lower weighted median: sort by value and take the first value at which the
 * cumulative weight reaches half the total. The caller guarantees a positive
 * weight sum.
 */
export function weightedMedian(values: readonly number[], weights: readonly number[]): number {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] ?? 0) - (values[b] ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (const i of order) {
    cumulative += weights[i] ?? 0;
    if (cumulative >= total / 2) return values[i] ?? 0;
  }
  return values[order[order.length - 1] ?? 0] ?? 0;
}
