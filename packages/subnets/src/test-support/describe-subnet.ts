import {
  type Observation,
  parseResult,
  type Result,
  resultOf,
  type SubnetMiner,
  type SubnetValidator,
  type Task,
  taskSchema,
} from '@mt/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A subnet's two roles, ready, and how to forge a wrong answer for its tasks. */
export interface SubnetUnderTest {
  miner: SubnetMiner;
  validator: SubnetValidator;
  /** A well-formed answer to `task` that is wrong. */
  wrongAnswer(task: Task, honest: Result): Result;
  /** Whether the validator scores speed (then a slow answer must score lower). */
  scoresSpeed: boolean;
  /** `zero` for subnets that pay a wrong answer nothing; `lower` for graded ones. */
  wrongAnswerScores: 'zero' | 'lower';
}

const context = (round: number) => ({ minerUid: 3, difficulty: 0.5, netuid: 1, round });

async function solve(subject: SubnetUnderTest, task: Task): Promise<Result> {
  const started = performance.now();
  const solution = await subject.miner.solveTask(task, {
    signal: new AbortController().signal,
    deadline: Date.now() + (task.timeoutMs ?? 30_000),
  });
  return resultOf(task, solution, {
    completedAt: Date.now(),
    executionTimeMs: performance.now() - started,
  });
}

async function observe(subject: SubnetUnderTest, task: Task, result: Result, latencyMs: number) {
  const observation: Observation = {
    latencyMs,
    timeoutMs: task.timeoutMs ?? 30_000,
    ...(subject.validator.verifyProof
      ? { proof: await subject.validator.verifyProof(task, result) }
      : {}),
  };
  return subject.validator.scoreResult(task, result, observation);
}

/**
 * The contract every subnet keeps, as one suite run against each (echo, text
 * generation, verifiable inference), in the Hono style: tasks match the
 * schema and carry a budget; an honest answer scores well and a wrong one 0;
 * speed is scored from the validator's observation, never the miner's claim;
 * and a miner stops when its signal fires.
 *
 * @example
 * ```ts
 * describeSubnet('echo', async () => ({ miner: echoMiner(), validator: echoValidator(), ... }));
 * ```
 */
export function describeSubnet(label: string, setup: () => Promise<SubnetUnderTest>): void {
  describe(`subnet contract: ${label}`, () => {
    let subject: SubnetUnderTest;
    beforeAll(async () => {
      subject = await setup();
    }, 120_000);
    afterAll(async () => {
      await subject?.miner.close?.();
      await subject?.validator.close?.();
    });

    it('names both roles alike and creates schema-valid tasks with a time budget', async () => {
      expect(subject.miner.name).toBe(subject.validator.name);
      expect(subject.miner.version).toBe(subject.validator.version);
      const task = await subject.validator.createTask(context(0));
      expect(taskSchema.parse(task)).toEqual(task);
      expect(task.timeoutMs).toBeGreaterThan(0);
      expect(task.context.minerUid).toBe(3);
    });

    it('scores an honest answer in (0, 1] and a wrong one 0', async () => {
      const task = await subject.validator.createTask(context(1));
      const honest = await solve(subject, task);
      expect(parseResult(honest)).toEqual(honest);
      const good = await observe(subject, task, honest, 1);
      expect(good.value).toBeGreaterThan(0);
      expect(good.value).toBeLessThanOrEqual(1);
      const bad = await observe(subject, task, subject.wrongAnswer(task, honest), 1);
      if (subject.wrongAnswerScores === 'zero') expect(bad.value).toBe(0);
      else expect(bad.value).toBeLessThan(good.value);
    });

    it('scores speed from what the validator measured, not the miner’s claim', async () => {
      const task = await subject.validator.createTask(context(2));
      const honest = await solve(subject, task);
      const boast = { ...honest, executionTimeMs: 0 };
      const fast = await observe(subject, task, boast, 1);
      const slow = await observe(subject, task, boast, (task.timeoutMs ?? 30_000) * 0.9);
      const slowHonest = await observe(
        subject,
        task,
        { ...honest, executionTimeMs: 1e7 },
        (task.timeoutMs ?? 30_000) * 0.9,
      );
      // The claim changes nothing; the observation changes the score when speed counts.
      expect(slowHonest.value).toBeCloseTo(slow.value, 6);
      if (subject.scoresSpeed) expect(fast.value).toBeGreaterThan(slow.value);
    });

    it('stops when its signal has fired, with an error rather than an answer', async () => {
      const task = await subject.validator.createTask(context(3));
      const controller = new AbortController();
      controller.abort(new Error('deadline'));
      await expect(
        subject.miner.solveTask(task, { signal: controller.signal, deadline: Date.now() }),
      ).rejects.toThrow();
    });
  });
}
