import type { Result, Task } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { cheatingStrategy, lazyStrategy } from './strategies.js';

describe('the demo strategies', () => {
  const honest: Result = {
    taskId: 't',
    minerUid: 1,
    completedAt: 1,
    metadata: {},
    resultData: { text: 'one two three four', predicted: 1, outputs: [0.1, 0.9, 0.2] },
    proof: {
      system: 'groth16',
      proof: {},
      publicSignals: ['1', '2', '3', '1', '5', '6'],
      verificationKeyHash: 'a'.repeat(64),
      outputs: [0.1, 0.9, 0.2],
      createdAt: 1,
    },
  };
  const task = {} as Task;

  it('lazy: two words, no proof', async () => {
    const result = await lazyStrategy(task, async () => structuredClone(honest));
    expect(result.resultData.text).toBe('one two');
    expect(result.proof).toBeUndefined();
  });

  it('cheater: claims another class and edits the proof to match', async () => {
    const result = await cheatingStrategy(task, async () => structuredClone(honest));
    expect(result.resultData.predicted).toBe(2);
    expect(result.proof?.publicSignals[3]).toBe('2');
    const { proof: _proof, ...withoutProof } = honest;
    const text = await cheatingStrategy(task, async () => structuredClone(withoutProof));
    expect(text.resultData).toMatchObject({ completionTokens: 999 });
  });
});
