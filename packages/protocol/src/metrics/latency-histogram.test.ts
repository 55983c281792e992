import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { LatencyHistogram } from './latency-histogram.js';

describe('LatencyHistogram', () => {
  it('reports zeros before anything is recorded', () => {
    expect(new LatencyHistogram().snapshot()).toEqual({
      count: 0,
      min: 0,
      max: 0,
      mean: 0,
      p50: 0,
      p90: 0,
      p99: 0,
    });
  });

  it('gives percentiles within 0.1 % of the exact ones', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms += 1) histogram.record(ms);
    const snapshot = histogram.snapshot();
    expect(snapshot.count).toBe(1000);
    expect(snapshot.min).toBeCloseTo(1, 2);
    expect(snapshot.max).toBeGreaterThanOrEqual(999);
    expect(snapshot.max).toBeLessThanOrEqual(1001);
    expect(Math.abs(snapshot.p50 - 500) / 500).toBeLessThan(0.001);
    expect(Math.abs(snapshot.p99 - 990) / 990).toBeLessThan(0.001);
    expect(Math.abs(snapshot.mean - 500.5) / 500.5).toBeLessThan(0.001);
  });

  it('stays within a fixed size however many samples it takes', () => {
    // Worst case for the packed counts: samples spread over the whole range.
    // A list of them (what the original kept) would take 8 bytes a sample.
    const histogram = new LatencyHistogram();
    let seed = 42;
    const nextMs = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return (seed / 2_147_483_648) * 3_600_000;
    };
    const cap = 128 * 1024;
    for (let i = 0; i < 150_000; i += 1) histogram.record(nextMs());
    const first = histogram.footprintBytes;
    expect(first).toBeLessThanOrEqual(cap);
    for (let i = 0; i < 150_000; i += 1) histogram.record(nextMs());
    expect(histogram.count).toBe(300_000);
    expect(histogram.footprintBytes).toBeLessThanOrEqual(cap);
    expect(histogram.footprintBytes).toBeLessThan(first * 1.5);
  }, 30_000);

  it('records durations past its range at the top of the range, not as an error', () => {
    const histogram = new LatencyHistogram();
    histogram.record(10 * 3_600_000);
    expect(histogram.snapshot().max).toBeGreaterThanOrEqual(3_599_000);
  });

  it('rejects a negative or non-finite duration', () => {
    const histogram = new LatencyHistogram();
    expect(() => histogram.record(-1)).toThrow(InvalidArgumentError);
    expect(() => histogram.record(Number.NaN)).toThrow(InvalidArgumentError);
    expect(histogram.count).toBe(0);
  });

  it('forgets everything on reset', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5);
    histogram.reset();
    expect(histogram.snapshot().count).toBe(0);
  });
});
