import { describe, expect, it } from 'vitest';
import { SchemaValidationError } from '../errors.js';
import { newTask, resultOf } from './new-task.js';

const context = { minerUid: 7, difficulty: 0.5, netuid: 1, round: 3 };

describe('newTask and resultOf', () => {
  it('make schema-checked tasks with fresh ids, and results stamped with their task', () => {
    const a = newTask(context, { taskData: { text: 'hi' }, timeoutMs: 500 }, () => 1_000);
    const b = newTask(context, { taskData: { text: 'hi' }, timeoutMs: 500 });
    expect(a).toMatchObject({
      context: { ...context, metadata: {} },
      createdAt: 1_000,
      timeoutMs: 500,
      taskData: { text: 'hi' },
    });
    expect(a.taskId).not.toBe(b.taskId);
    const result = resultOf(
      a,
      { resultData: { text: 'HI' } },
      { completedAt: 2_000, executionTimeMs: 12 },
    );
    expect(result).toEqual({
      taskId: a.taskId,
      minerUid: 7,
      resultData: { text: 'HI' },
      completedAt: 2_000,
      executionTimeMs: 12,
      metadata: {},
    });
  });

  it('refuses what is not JSON or not a budget', () => {
    expect(() => newTask(context, { taskData: { n: Number.NaN }, timeoutMs: 500 })).toThrow(
      SchemaValidationError,
    );
    expect(() => newTask(context, { taskData: {}, timeoutMs: 0 })).toThrow(SchemaValidationError);
  });
});
