import { describe, expect, it } from 'vitest';
import { InvalidScoringInputError } from '../errors.js';
import { DEFAULT_ALPHA, DEFAULT_SHARPNESS, WeightPolicy } from './weight-policy.js';

describe('WeightPolicy', () => {
  it('refuses a sharpness that is not > 0 and an alpha outside (0, 1], once, when built', () => {
    for (const options of [
      { sharpness: 0 },
      { sharpness: Number.NaN },
      { sharpness: -1 },
      { alpha: 0 },
      { alpha: 1.5 },
    ]) {
      expect(() => new WeightPolicy(options)).toThrow(
        expect.objectContaining({ code: InvalidScoringInputError.code }),
      );
    }
    const policy = new WeightPolicy();
    expect([policy.sharpness, policy.alpha]).toEqual([DEFAULT_SHARPNESS, DEFAULT_ALPHA]);
  });

  it('keeps a moving average per miner and weights it as average ^ sharpness', () => {
    const policy = new WeightPolicy({ sharpness: 2, alpha: 0.5 });
    expect(policy.record(7, 1)).toBe(0.5);
    expect(policy.record(7, 0)).toBe(0.25);
    policy.record(9, 0);
    expect(policy.averages.get(7)).toBe(0.25);
    // A miner whose average is 0 gets no weight at all.
    expect(policy.scores()).toEqual(new Map([[7, 0.0625]]));
  });

  it('resumes from u16 weights: the best comes back as 1.0, the others in proportion', () => {
    const policy = new WeightPolicy({ sharpness: 4 });
    policy.record(1, 0.2);
    policy.resume(
      new Map([
        [1, 65535],
        [2, Math.round(65535 / 16)],
      ]),
    );
    expect(policy.averages.get(1)).toBe(1);
    expect(policy.averages.get(2)).toBeCloseTo(0.5, 4);
    // Weights made from the resumed averages are the stored ones again.
    const scores = policy.scores();
    expect((scores.get(2) ?? 0) / (scores.get(1) ?? 1)).toBeCloseTo(1 / 16, 4);
  });
});
