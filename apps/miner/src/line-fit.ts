/** A straight line `y = slope · x + intercept`. */
export interface Line {
  slope: number;
  intercept: number;
}

/** Ordinary least squares fit of a line to the points `(xs[i], ys[i])`. */
export function fitLeastSquares(xs: readonly number[], ys: readonly number[]): Line {
  const n = xs.length;
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] ?? 0) - meanX;
    covariance += dx * ((ys[i] ?? 0) - meanY);
    varianceX += dx * dx;
  }
  const slope = varianceX === 0 ? 0 : covariance / varianceX;
  return { slope, intercept: meanY - slope * meanX };
}

/** Sum of squared residuals of `line` over the points. */
export function sumSquaredError(line: Line, xs: readonly number[], ys: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < xs.length; i += 1) {
    const residual = (ys[i] ?? 0) - (line.slope * (xs[i] ?? 0) + line.intercept);
    total += residual * residual;
  }
  return total;
}
