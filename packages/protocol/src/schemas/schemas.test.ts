import { describe, expect, it } from 'vitest';
import { SchemaValidationError } from '../errors.js';
import { parseProof } from './proof.js';
import { parseResult } from './result.js';
import { parseScore } from './score.js';
import { parseTask } from './task.js';
import { parseTaskContext } from './task-context.js';
import { parseValidatorScore } from './validator-score.js';

const context = { minerUid: 1, difficulty: 0.5, netuid: 3, round: 7 };
const task = {
  taskId: 't-1',
  taskData: { prompt: 'hi' },
  context,
  createdAt: 1_700_000_000_000,
  timeoutMs: 5_000,
};
const proof = {
  system: 'groth16',
  proof: { pi_a: ['1', '2', '1'], protocol: 'groth16', curve: 'bn128' },
  publicSignals: ['0', '123456789012345678901234567890'],
  verificationKeyHash: 'ab'.repeat(32),
  outputs: [0.25, 0.75],
  createdAt: 1_700_000_000_000,
};

/** Runs `parse` on `input` and returns the paths of the issues it reported. */
function issuePaths(parse: (input: unknown) => unknown, input: unknown): string[] {
  try {
    parse(input);
  } catch (error) {
    if (!SchemaValidationError.isInstance(error)) throw error;
    return error.issues.map((issue) => issue.path);
  }
  throw new Error('expected the input to be rejected');
}

describe('TaskContext', () => {
  it('accepts a valid context and fills in metadata', () => {
    expect(parseTaskContext(context)).toEqual({ ...context, metadata: {} });
  });

  it.each([
    ['minerUid', { ...context, minerUid: -1 }],
    ['difficulty', { ...context, difficulty: 1.5 }],
    ['difficulty', { ...context, difficulty: Number.NaN }],
    ['netuid', { ...context, netuid: 1.5 }],
    ['round', { ...context, round: -1 }],
    ['metadata.note', { ...context, metadata: { note: () => 1 } }],
  ])('names the bad field %s', (path, input) => {
    expect(issuePaths(parseTaskContext, input)).toEqual([path]);
  });
});

describe('Task', () => {
  it('round-trips through JSON unchanged', () => {
    const parsed = parseTask(task);
    expect(parseTask(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
  });

  it('refuses a task without its budget: the subnet that makes it says how long it may take', () => {
    const { timeoutMs: _, ...unbudgeted } = task;
    expect(() => parseTask(unbudgeted)).toThrow(SchemaValidationError);
    expect(() => parseTask({ ...task, timeoutMs: 0 })).toThrow(SchemaValidationError);
  });

  it('names nested fields and reports every problem at once', () => {
    const bad = { ...task, taskId: '', context: { ...context, difficulty: -0.1 }, timeoutMs: 0 };
    expect(issuePaths(parseTask, bad).sort()).toEqual([
      'context.difficulty',
      'taskId',
      'timeoutMs',
    ]);
  });

  it('refuses task data that would not survive JSON', () => {
    expect(issuePaths(parseTask, { ...task, taskData: { x: Number.POSITIVE_INFINITY } })).toEqual([
      'taskData.x',
    ]);
    expect(issuePaths(parseTask, { ...task, taskData: { list: [1, Number.NaN] } })).toEqual([
      'taskData.list.1',
    ]);
  });

  it('refuses class instances, functions and cycles with the path to the culprit', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.back = cyclic;
    const cases: [unknown, string][] = [
      [{ when: new Date(0) }, 'taskData.when'],
      [{ nested: { fn: () => 1 } }, 'taskData.nested.fn'],
      [{ maybe: undefined }, 'taskData.maybe'],
      [{ loop: cyclic }, 'taskData.loop.back'],
    ];
    for (const [taskData, path] of cases) {
      expect(issuePaths(parseTask, { ...task, taskData })).toEqual([path]);
    }
  });

  it('rejects a value that is not an object, naming the value itself', () => {
    expect(issuePaths(parseTask, 'not a task')).toEqual(['']);
  });
});

describe('Score', () => {
  it('defaults confidence to 1 and metadata to empty', () => {
    expect(parseScore({ value: 0.4, timestamp: 5 })).toEqual({
      value: 0.4,
      confidence: 1,
      metadata: {},
      timestamp: 5,
    });
  });

  it.each([
    ['value', { value: 1.01, timestamp: 0 }],
    ['value', { value: -0.01, timestamp: 0 }],
    ['confidence', { value: 0.5, confidence: 2, timestamp: 0 }],
    ['timestamp', { value: 0.5 }],
  ])('keeps %s in range', (path, input) => {
    expect(issuePaths(parseScore, input)).toEqual([path]);
  });

  it('accepts the bounds 0 and 1', () => {
    expect(parseScore({ value: 0, confidence: 1, timestamp: 0 }).value).toBe(0);
    expect(parseScore({ value: 1, confidence: 0, timestamp: 0 }).value).toBe(1);
  });
});

describe('ValidatorScore', () => {
  const score = { value: 0.8, confidence: 0.9, timestamp: 1 };

  it('defaults stake and reputation to 1', () => {
    const parsed = parseValidatorScore({ validatorUid: 1, score });
    expect(parsed.stake).toBe(1);
    expect(parsed.reputation).toBe(1);
  });

  it('rejects negative or infinite stake and an out-of-range nested score', () => {
    expect(issuePaths(parseValidatorScore, { validatorUid: 1, score, stake: -5 })).toEqual([
      'stake',
    ]);
    expect(
      issuePaths(parseValidatorScore, {
        validatorUid: 1,
        score,
        stake: Number.POSITIVE_INFINITY,
      }),
    ).toEqual(['stake']);
    expect(
      issuePaths(parseValidatorScore, { validatorUid: 1, score: { ...score, value: 3 } }),
    ).toEqual(['score.value']);
  });
});

describe('Proof', () => {
  it('accepts a snarkjs proof and keeps it as it was', () => {
    expect(parseProof(proof)).toEqual(proof);
  });

  it.each([
    ['system', { ...proof, system: 'stark' }],
    ['publicSignals.1', { ...proof, publicSignals: ['1', '0x1f'] }],
    ['publicSignals.0', { ...proof, publicSignals: ['-3'] }],
    ['verificationKeyHash', { ...proof, verificationKeyHash: 'AB'.repeat(32) }],
    ['outputs.0', { ...proof, outputs: [Number.NaN] }],
  ])('names the bad field %s', (path, input) => {
    expect(issuePaths(parseProof, input)).toEqual([path]);
  });
});

describe('Result', () => {
  const result = { taskId: 't-1', resultData: { text: 'ok' }, minerUid: 1, completedAt: 2 };

  it('accepts a result with a proof and defaults metadata', () => {
    expect(parseResult({ ...result, proof })).toEqual({ ...result, proof, metadata: {} });
  });

  it('names a bad field inside the attached proof', () => {
    expect(issuePaths(parseResult, { ...result, proof: { ...proof, system: 'fake' } })).toEqual([
      'proof.system',
    ]);
  });

  it('rejects a negative execution time', () => {
    expect(issuePaths(parseResult, { ...result, executionTimeMs: -1 })).toEqual([
      'executionTimeMs',
    ]);
  });
});
