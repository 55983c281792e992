import { describe, expect, it } from 'vitest';
import { ScoreBoard } from './score-board.js';

describe('ScoreBoard', () => {
  it('starts at the first score and moves by alpha after that', () => {
    const board = new ScoreBoard(0.25);
    board.record('m1', 0.8);
    const standing = board.record('m1', 0.4);
    expect(standing.movingAverage).toBeCloseTo(0.25 * 0.4 + 0.75 * 0.8, 12);
    expect(standing.rounds).toBe(2);
    expect(standing.lastScore).toBe(0.4);
  });

  it('leaves a miner that was not queried where it was', () => {
    const board = new ScoreBoard(0.5);
    board.record('m1', 1);
    board.record('m2', 0.2);
    board.record('m2', 0.4);
    const m1 = board.standings().find((s) => s.minerUid === 'm1');
    expect(m1).toEqual({ minerUid: 'm1', movingAverage: 1, rounds: 1, lastScore: 1 });
    expect(board.standings().map((s) => s.minerUid)).toEqual(['m1', 'm2']);
  });

  it('refuses an alpha outside (0, 1]', () => {
    expect(() => new ScoreBoard(0)).toThrow(RangeError);
    expect(() => new ScoreBoard(1.5)).toThrow(RangeError);
    expect(() => new ScoreBoard(Number.NaN)).toThrow(RangeError);
  });
});
