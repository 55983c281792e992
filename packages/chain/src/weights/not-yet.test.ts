import { describe, expect, it } from 'vitest';
import { ChainCallFailedError, ChainRejectedError } from '../errors.js';
import { weightsNotYet } from './not-yet.js';

const refused = (name: string) => new ChainCallFailedError('subtensorModule.revealWeights', name);

describe('weightsNotYet', () => {
  it("knows a reveal before its window by each runtime's own error name", () => {
    expect(weightsNotYet(refused('RevealTooEarly'), 'reveal')).toBe(true);
    expect(weightsNotYet(refused('InvalidRevealCommitTempo'), 'reveal')).toBe(true);
  });

  it('knows a weight update the rate limit or a missing permit holds back', () => {
    for (const name of [
      'SettingWeightsTooFast',
      'CommittingWeightsTooFast',
      'NeuronNoValidatorPermit',
    ])
      expect(weightsNotYet(refused(name), 'update')).toBe(true);
  });

  it('never takes a real refusal, a look-alike name or another error for a wait', () => {
    expect(weightsNotYet(refused('InvalidRevealCommitHashNotMatch'), 'reveal')).toBe(false);
    expect(weightsNotYet(refused('RevealTooEarlyish'), 'reveal')).toBe(false);
    expect(weightsNotYet(refused('RevealTooEarly'), 'update')).toBe(false);
    expect(weightsNotYet(new ChainRejectedError('weights', 'RevealTooEarly'), 'reveal')).toBe(
      false,
    );
    expect(weightsNotYet(new Error('RevealTooEarly'), 'reveal')).toBe(false);
  });
});
