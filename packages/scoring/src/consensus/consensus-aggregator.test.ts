import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InsufficientConsensusError, InvalidScoringInputError } from '../errors.js';
import { ConsensusAggregator, ConsensusMethod } from './consensus-aggregator.js';
import { modifiedZScores } from './modified-z-scores.js';

const entry = (uid: number, value: number, confidence = 1, stake = 1, reputation = 1) => ({
  validatorUid: uid,
  score: { value, confidence, timestamp: 0 },
  stake,
  reputation,
});

// The original's demo set, with its golden values (ran with numpy on the original).
const demo = [
  entry(1, 0.85, 0.9, 100),
  entry(2, 0.82, 0.85, 75),
  entry(3, 0.88, 0.92, 50),
  entry(4, 0.8, 0.88, 60),
  entry(5, 0.3, 0.7, 20),
];

const aggregate = (method: ConsensusMethod, scores = demo, options = {}) =>
  new ConsensusAggregator({ method, ...options }, () => 42).aggregate(scores);

describe('ConsensusAggregator', () => {
  it.each([
    [ConsensusMethod.MEDIAN, 0.82],
    [ConsensusMethod.WEIGHTED_MEDIAN, 0.82],
    [ConsensusMethod.STAKE_WEIGHTED, 0.8016],
    [ConsensusMethod.CONFIDENCE_WEIGHTED, 0.7496],
    [ConsensusMethod.ROBUST, 0.8377],
  ])("%s agrees with the original's golden value", (method, expected) => {
    const { score, details } = aggregate(method);
    expect(score.value).toBeCloseTo(expected, 4);
    expect(score.confidence).toBeCloseTo(0.7546, 4);
    expect(score.metadata).toMatchObject({ method, numValidators: 5, numOutliers: 1 });
    expect(details.find((d) => d.validatorUid === 5)?.isOutlier).toBe(true);
    expect(score.timestamp).toBe(42);
  });

  it('trims a true fraction from each end, not the outliers', () => {
    // 5 × 0.2 = 1 score dropped from each end: 0.30 and 0.88.
    const { score, details } = aggregate(ConsensusMethod.TRIMMED_MEAN);
    expect(score.value).toBeCloseTo((0.8 + 0.82 + 0.85) / 3, 12);
    expect(
      details
        .filter((d) => d.weight === 0)
        .map((d) => d.validatorUid)
        .sort(),
    ).toEqual([3, 5]);
    const wider = aggregate(ConsensusMethod.TRIMMED_MEAN, demo, { trimFraction: 0.4 });
    expect(wider.score.value).toBeCloseTo(0.82, 12);
  });

  it('catches a lone dissenter among identical scores (MAD = 0)', () => {
    const scores = [0.8, 0.8, 0.8, 0.8, 0.1].map((v, i) => entry(i, v));
    const { score, details } = aggregate(ConsensusMethod.ROBUST, scores);
    expect(details.at(-1)?.isOutlier).toBe(true);
    expect(score.value).toBeCloseTo(0.8, 12);
    // The original reported 0.66 here: its MAD = 0 meant "no outliers".
  });

  it('uses the configured outlier threshold', () => {
    const scores = [0.5, 0.52, 0.55, 0.58, 0.68].map((v, i) => entry(i, v));
    expect(aggregate(ConsensusMethod.ROBUST, scores).score.metadata.numOutliers).toBe(0);
    expect(
      aggregate(ConsensusMethod.ROBUST, scores, { outlierThreshold: 2 }).score.metadata.numOutliers,
    ).toBe(1);
  });

  it('weights by reputation as well as stake', () => {
    const scores = [entry(0, 1, 1, 10, 1), entry(1, 0, 1, 10, 0.25), entry(2, 0.5, 1, 0, 1)];
    expect(aggregate(ConsensusMethod.STAKE_WEIGHTED, scores).score.value).toBeCloseTo(0.8, 12);
  });

  it('refuses too few validators and an all-zero weight with a typed error', () => {
    expect(() => aggregate(ConsensusMethod.MEDIAN, demo.slice(0, 2))).toThrow(
      InsufficientConsensusError,
    );
    const unstaked = demo.map((d) => ({ ...d, stake: 0 }));
    expect(() => aggregate(ConsensusMethod.STAKE_WEIGHTED, unstaked)).toThrow(/zero weight/);
    const unsure = demo.map((d) => ({ ...d, score: { ...d.score, confidence: 0 } }));
    expect(() => aggregate(ConsensusMethod.WEIGHTED_MEDIAN, unsure)).toThrow(
      InsufficientConsensusError,
    );
    expect(aggregate(ConsensusMethod.MEDIAN, unsure).score.value).toBe(0.82);
  });

  it.each([
    [{ ...demo[0], stake: -1 }, 'scores[0].stake'],
    [{ ...demo[0], stake: Number.NaN }, 'scores[0].stake'],
    [
      { ...demo[0], score: { value: Number.POSITIVE_INFINITY, timestamp: 0 } },
      'scores[0].score.value',
    ],
    [{ ...demo[0], score: { value: 1.5, timestamp: 0 } }, 'scores[0].score.value'],
  ])('names the bad field of %j', (bad, field) => {
    expect(() => aggregate(ConsensusMethod.ROBUST, [bad, ...demo.slice(1)] as typeof demo)).toThrow(
      expect.objectContaining({ code: InvalidScoringInputError.code, argument: field }),
    );
  });

  it('refuses the same validator twice and bad options', () => {
    expect(() => aggregate(ConsensusMethod.MEDIAN, [...demo, demo[0] as (typeof demo)[0]])).toThrow(
      /appears twice/,
    );
    expect(() => new ConsensusAggregator({ trimFraction: 0.5 })).toThrow(InvalidScoringInputError);
    expect(() => new ConsensusAggregator({ outlierThreshold: 0 })).toThrow(
      InvalidScoringInputError,
    );
    expect(() => new ConsensusAggregator({ method: 'mode' as ConsensusMethod })).toThrow(
      /unknown consensus method/,
    );
  });

  const scoreSets = fc.array(
    fc.record({
      value: fc.double({ min: 0, max: 1, noNaN: true }),
      confidence: fc.double({ min: 0.01, max: 1, noNaN: true }),
      stake: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
    }),
    { minLength: 3, maxLength: 20 },
  );

  it('stays within the range of the scores given, for every method', () => {
    fc.assert(
      fc.property(scoreSets, fc.constantFrom(...Object.values(ConsensusMethod)), (set, method) => {
        const scores = set.map((s, i) => entry(i, s.value, s.confidence, s.stake));
        const { score } = aggregate(method, scores);
        const values = set.map((s) => s.value);
        expect(score.value).toBeGreaterThanOrEqual(Math.min(...values) - 1e-12);
        expect(score.value).toBeLessThanOrEqual(Math.max(...values) + 1e-12);
        expect(score.confidence).toBeGreaterThanOrEqual(0);
        expect(score.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it('does not depend on the order validators are listed in', () => {
    fc.assert(
      fc.property(scoreSets, fc.constantFrom(...Object.values(ConsensusMethod)), (set, method) => {
        const scores = set.map((s, i) => entry(i, s.value, s.confidence, s.stake));
        const forward = aggregate(method, scores).score.value;
        const backward = aggregate(method, [...scores].reverse()).score.value;
        expect(backward).toBeCloseTo(forward, 9);
      }),
      { numRuns: 300 },
    );
  });

  it('flags as outliers only a minority of the validators', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 30 }),
        (values) => {
          const flagged = modifiedZScores(values).filter((z) => Math.abs(z) > 3.5).length;
          expect(flagged).toBeLessThan(values.length / 2);
        },
      ),
      { numRuns: 500 },
    );
  });
});
