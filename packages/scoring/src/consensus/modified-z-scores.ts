import { mean, median } from '../stats.js';

/** 0.6745 is the 0.75 quantile of the standard normal, so MAD / 0.6745 estimates σ. */
const MAD_SCALE = 0.6745;
/** √(π/2): mean absolute deviation · 1.253314 estimates σ for normal data. */
const MEAN_AD_SCALE = 1.253314;

/**
 * Modified Z-scores (Iglewicz and Hoaglin): `0.6745 · (x − median) / MAD`.
 * When more than half the values are identical the MAD is 0, and the score
 * falls back to `(x − median) / (1.253314 · MeanAD)`, MeanAD being the mean
 * absolute deviation from the median, so a lone dissenter among identical
 * scores is still caught. All scores are 0 when every value is the same.
 */
export function modifiedZScores(values: readonly number[]): number[] {
  const center = median(values);
  const deviations = values.map((v) => Math.abs(v - center));
  const mad = median(deviations);
  if (mad > 0) return values.map((v) => (MAD_SCALE * (v - center)) / mad);
  const meanAd = mean(deviations);
  if (meanAd > 0) return values.map((v) => (v - center) / (MEAN_AD_SCALE * meanAd));
  return values.map(() => 0);
}
