import type { Result, Task } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidScoringInputError, ScoringFailedError } from '../errors.js';
import { AdvancedScorer, type ScoredPair } from './advanced-scorer.js';
import { bradleyTerry } from './bradley-terry.js';
import { ScoringMethod } from './scoring-method.js';

const task: Task = {
  taskId: 't1',
  taskData: { prompt: 'name three primes' },
  context: { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0, metadata: {} },
  createdAt: 0,
  timeoutMs: 1_000,
};
const result = (text: string, executionTimeMs = 100): Result => ({
  taskId: 't1',
  minerUid: 1,
  resultData: { text },
  completedAt: 1,
  executionTimeMs,
  metadata: {},
});
const textLength = (_t: Task, r: Result) => String(r.resultData.text).length;

describe('AdvancedScorer', () => {
  it('combines normalised criteria by weight and reports each one', async () => {
    const scorer = new AdvancedScorer({ now: () => 7 })
      .addCriterion('length', 1, textLength, { maxScore: 20 })
      .addCriterion('speed', 3, (_t, _r, _s, seen) => seen?.latencyMs ?? 1000, {
        minScore: 1000,
        maxScore: 0,
      });
    // The miner claims 1 ms; the validator saw 250 ms, and that is what counts.
    const score = await scorer.score(task, result('2, 3 and 5', 1), {
      latencyMs: 250,
      timeoutMs: 1000,
    });
    // length 10/20 = 0.5; speed (250 − 1000)/(0 − 1000) = 0.75
    expect(score.value).toBeCloseTo((1 * 0.5 + 3 * 0.75) / 4, 12);
    expect(score.timestamp).toBe(7);
    expect(score.metadata.breakdown).toEqual({
      length: { weight: 1, raw: 10, normalized: 0.5 },
      speed: { weight: 3, raw: 250, normalized: 0.75 },
    });
  });

  it('gives each pair of a batch its own observation', async () => {
    const scorer = new AdvancedScorer().addCriterion(
      'speed',
      1,
      (_t, _r, _s, seen) => {
        if (!seen) throw new Error('no observation');
        return 1 - seen.latencyMs / seen.timeoutMs;
      },
      { minScore: 0, maxScore: 1 },
    );
    const scores = await scorer.scoreBatch([
      { task, result: result('a'), observation: { latencyMs: 100, timeoutMs: 1000 } },
      { task, result: result('b'), observation: { latencyMs: 900, timeoutMs: 1000 } },
    ]);
    expect(scores.map((s) => s.value)).toEqual([0.9, expect.closeTo(0.1, 12)]);
    // A criterion that needs an observation fails loudly without one.
    await expect(scorer.score(task, result('c'))).rejects.toThrow(/speed: no observation/);
  });

  it('SIMPLE ignores weights and ENSEMBLE mixes in the median', async () => {
    const add = (s: AdvancedScorer) =>
      s
        .addCriterion('a', 1, () => 0.2)
        .addCriterion('b', 1, () => 0.4)
        .addCriterion('c', 8, () => 1);
    const simple = await add(new AdvancedScorer({ method: ScoringMethod.SIMPLE })).score(
      task,
      result('x'),
    );
    expect(simple.value).toBeCloseTo(1.6 / 3, 12);
    const ensemble = await add(new AdvancedScorer({ method: ScoringMethod.ENSEMBLE })).score(
      task,
      result('x'),
    );
    expect(ensemble.value).toBeCloseTo((0.7 * (0.2 + 0.4 + 8)) / 10 + 0.3 * 0.4, 12);
  });

  it('shows a failing criterion with its error instead of counting it as 0', async () => {
    const scorer = new AdvancedScorer()
      .addCriterion('good', 1, () => 0.9)
      .addCriterion('broken', 1, () => {
        throw new Error('tokenizer missing');
      })
      .addCriterion('nan', 2, () => Number.NaN);
    const score = await scorer.score(task, result('x'));
    expect(score.value).toBeCloseTo(0.9, 12);
    expect(score.metadata.failedCriteria).toEqual(['broken', 'nan']);
    expect(score.metadata.breakdown).toMatchObject({
      broken: { weight: 1, error: 'tokenizer missing' },
      nan: { weight: 2, error: 'returned NaN, not a finite number' },
    });
    // One criterion of four weight units: agreement 0.8 × coverage 1/4.
    expect(score.confidence).toBeCloseTo(0.2, 12);
  });

  it('times out a slow async criterion and aborts its signal', async () => {
    let aborted = false;
    const scorer = new AdvancedScorer()
      .addCriterion('fast', 1, async () => 1)
      .addCriterion(
        'slow',
        1,
        (_t, _r, signal) =>
          new Promise<number>((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
            setTimeout(() => resolve(0), 5_000);
          }),
        { timeoutMs: 30 },
      );
    const score = await scorer.score(task, result('x'));
    expect(score.metadata.breakdown).toMatchObject({ slow: { error: 'timed out after 30 ms' } });
    expect(aborted).toBe(true);
    expect(score.value).toBe(1);
  });

  it('fails loudly when every criterion fails, or there are none', async () => {
    const scorer = new AdvancedScorer().addCriterion('broken', 1, () => {
      throw new Error('down');
    });
    await expect(scorer.score(task, result('x'))).rejects.toThrow(ScoringFailedError);
    await expect(new AdvancedScorer().score(task, result('x'))).rejects.toThrow(/addCriterion/);
  });

  it('refuses a raw value outside [0, 1] when normalisation is off', async () => {
    const scorer = new AdvancedScorer({ normalize: false })
      .addCriterion('ok', 1, () => 0.5)
      .addCriterion('big', 1, () => 3);
    const score = await scorer.score(task, result('x'));
    expect(score.metadata.breakdown).toMatchObject({
      big: { error: expect.stringMatching(/outside \[0, 1\]/) },
    });
  });

  it.each([
    [() => new AdvancedScorer().addCriterion('w', -1, () => 1), 'criteria.w.weight'],
    [() => new AdvancedScorer().addCriterion('w', Number.NaN, () => 1), 'criteria.w.weight'],
    [
      () => new AdvancedScorer().addCriterion('w', Number.POSITIVE_INFINITY, () => 1),
      'criteria.w.weight',
    ],
    [
      () => new AdvancedScorer().addCriterion('w', 1, () => 1, { minScore: 2, maxScore: 2 }),
      'criteria.w.minScore',
    ],
    [() => new AdvancedScorer({ method: ScoringMethod.REWARD_MODEL }), 'rewardModel'],
  ])('validates its configuration (%#)', (build, field) => {
    expect(build).toThrow(
      expect.objectContaining({ code: InvalidScoringInputError.code, argument: field }),
    );
  });

  it('refuses weights that sum to zero at scoring time', async () => {
    const scorer = new AdvancedScorer().addCriterion('a', 0, () => 1).addCriterion('b', 0, () => 0);
    await expect(scorer.score(task, result('x'))).rejects.toThrow(/weight 0/);
  });

  it('REWARD_MODEL calls the reward model once per batch and weighs it with the criteria', async () => {
    const batches: number[] = [];
    const rewardModel = async (pairs: readonly ScoredPair[]) => {
      batches.push(pairs.length);
      return pairs.map(({ result: r }) => (String(r.resultData.text).includes('5') ? 0.9 : 0.1));
    };
    const scorer = new AdvancedScorer({
      method: ScoringMethod.REWARD_MODEL,
      rewardModel,
      rewardWeight: 3,
    }).addCriterion('length', 1, textLength, { maxScore: 10 });
    const scores = await scorer.scoreBatch([
      { task, result: result('2, 3, 5') },
      { task, result: result('blue') },
    ]);
    expect(batches).toEqual([2]);
    expect(scores[0]?.value).toBeCloseTo((3 * 0.9 + 0.7) / 4, 12);
    expect(scores[1]?.value).toBeCloseTo((3 * 0.1 + 0.4) / 4, 12);
    expect(scores[0]?.metadata.breakdown).toMatchObject({
      reward_model: { weight: 3, normalized: 0.9 },
    });
  });

  it('refuses a reward model that returns the wrong number of scores', async () => {
    const scorer = new AdvancedScorer({
      method: ScoringMethod.REWARD_MODEL,
      rewardModel: async () => [0.5],
    });
    await expect(
      scorer.scoreBatch([
        { task, result: result('a') },
        { task, result: result('b') },
      ]),
    ).rejects.toThrow(/one per pair/);
  });

  it('COMPARATIVE ranks results by criteria votes through Bradley-Terry', async () => {
    const scorer = new AdvancedScorer({ method: ScoringMethod.COMPARATIVE })
      .addCriterion('length', 1, textLength, { maxScore: 100 })
      .addCriterion('speed', 1, (_t, r) => r.executionTimeMs ?? 0, { minScore: 1000, maxScore: 0 });
    const scores = await scorer.scoreComparative(task, [
      result('long and fast answer', 10),
      result('short', 900),
      result('long and slow answer', 900),
    ]);
    const values = scores.map((s) => s.value);
    expect(values[0]).toBeGreaterThan(values[2] ?? 1);
    expect(values[2]).toBeGreaterThan(values[1] ?? 1);
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1.5, 9); // n/2: each pair shares one win
    await expect(scorer.score(task, result('x'))).rejects.toThrow(/scoreComparative/);
  });

  it('COMPARATIVE uses a comparator when given one', async () => {
    const scorer = new AdvancedScorer({
      method: ScoringMethod.COMPARATIVE,
      comparator: (_t, a, b) => (String(a.resultData.text) < String(b.resultData.text) ? 0.8 : 0.2),
    });
    const scores = await scorer.scoreComparative(task, [result('a'), result('b'), result('c')]);
    expect(scores[0]?.value).toBeGreaterThan(scores[1]?.value ?? 1);
    expect(scores[1]?.value).toBeGreaterThan(scores[2]?.value ?? 1);
    expect(scores[0]?.metadata.judge).toBe('comparator');
  });
});

describe('bradleyTerry', () => {
  it('recovers the strength ordering and win probabilities of a known model', () => {
    // Strengths 4 : 2 : 1, 1000 games a pair, wins at their expected rates.
    const strength = [4, 2, 1];
    const wins = strength.map((si, i) =>
      strength.map((sj, j) => (i === j ? 0 : (1000 * si) / (si + sj))),
    );
    const fitted = bradleyTerry(wins);
    const expected = strength.map(
      (si, i) => strength.reduce((a, sj, j) => (j === i ? a : a + si / (si + sj)), 0) / 2,
    );
    fitted.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] ?? 0, 2);
    });
  });

  it('stays finite when one item wins every comparison', () => {
    const fitted = bradleyTerry([
      [0, 5, 5],
      [0, 0, 5],
      [0, 0, 0],
    ]);
    expect(fitted.every((v) => Number.isFinite(v) && v > 0 && v < 1)).toBe(true);
    expect(fitted[0]).toBeGreaterThan(fitted[1] ?? 1);
  });
});
