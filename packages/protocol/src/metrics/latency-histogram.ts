import hdr from 'hdr-histogram-js';
import { InvalidArgumentError } from '../errors.js';

/** Summary of a {@link LatencyHistogram}, all times in milliseconds. */
export interface LatencySnapshot {
  count: number;
  /** 0 when nothing was recorded. */
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

/** Longest duration tracked exactly; longer ones are recorded as this value. */
const HIGHEST_TRACKABLE_US = 3_600_000_000; // one hour, in microseconds

/**
 * A latency histogram of fixed size: memory stays the same after a billion
 * samples as after ten (the original kept every sample in a growing list).
 * Backed by HdrHistogram with 3 significant digits at microsecond resolution,
 * so percentiles are within 0.1 % of the true value.
 *
 * @example
 * ```ts
 * const h = new LatencyHistogram();
 * h.record(12.5);
 * h.snapshot().p99; // 12.5
 * ```
 */
export class LatencyHistogram {
  readonly #histogram = hdr.build({
    bitBucketSize: 'packed',
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
  });

  /** Records one duration in milliseconds. Negative or non-finite durations are a programming error. */
  record(durationMs: number): void {
    if (!Number.isFinite(durationMs) || durationMs < 0) {
      throw new InvalidArgumentError(
        'durationMs',
        `must be a finite number of milliseconds ≥ 0, got ${durationMs}`,
      );
    }
    const micros = Math.min(Math.max(1, Math.round(durationMs * 1000)), HIGHEST_TRACKABLE_US);
    this.#histogram.recordValue(micros);
  }

  /** Number of durations recorded since creation or the last {@link reset}. */
  get count(): number {
    return this.#histogram.totalCount;
  }

  /** Approximate bytes held by the histogram; constant in the number of samples. */
  get footprintBytes(): number {
    return this.#histogram.estimatedFootprintInBytes;
  }

  /** Count, extremes, mean and percentiles, in milliseconds. */
  snapshot(): LatencySnapshot {
    const h = this.#histogram;
    if (h.totalCount === 0) return { count: 0, min: 0, max: 0, mean: 0, p50: 0, p90: 0, p99: 0 };
    const ms = (micros: number) => micros / 1000;
    return {
      count: h.totalCount,
      min: ms(h.minNonZeroValue),
      max: ms(h.maxValue),
      mean: ms(h.mean),
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
    };
  }

  /** Forgets every recorded duration. */
  reset(): void {
    this.#histogram.reset();
  }
}
