import type { Observation, Result, Task } from '@mt/protocol';
import { describeCause } from '@mt/protocol';
import { ScoringError } from '../errors.js';

/**
 * A scoring function; it may be async and should stop when `signal` aborts.
 * `observation` is what the validator measured itself of this answer
 * (latency, proof verdict), when the caller passed one.
 */
export type CriterionFunction = (
  task: Task,
  result: Result,
  signal: AbortSignal,
  observation: Observation | undefined,
) => number | Promise<number>;

/** A criterion as registered with {@link AdvancedScorer.addCriterion}. */
export interface ScoringCriterion {
  name: string;
  weight: number;
  scorer: CriterionFunction;
  /** Raw value that maps to 0. */
  minScore: number;
  /** Raw value that maps to 1. */
  maxScore: number;
  /** Milliseconds the criterion may take. */
  timeoutMs: number;
}

/** One criterion's part in a score: its value, or the error it failed with. */
export type CriterionOutcome =
  | { name: string; weight: number; raw: number; normalized: number }
  | { name: string; weight: number; error: string };

/**
 * Runs one criterion under its timeout and maps its raw value into [0, 1].
 * A criterion that throws, times out, or returns a non-finite number yields
 * an outcome with the error; nothing is silently counted as 0.
 */
export async function runCriterion(
  criterion: ScoringCriterion,
  task: Task,
  result: Result,
  normalize: boolean,
  observation?: Observation,
): Promise<CriterionOutcome> {
  const { name, weight } = criterion;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ScoringError(
        'MT_SCORING_CRITERION_TIMEOUT',
        `timed out after ${criterion.timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, criterion.timeoutMs);
  });
  try {
    const raw = await Promise.race([
      Promise.resolve().then(() => criterion.scorer(task, result, controller.signal, observation)),
      timeout,
    ]);
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      return { name, weight, error: `returned ${String(raw)}, not a finite number` };
    }
    if (normalize) {
      const scaled = (raw - criterion.minScore) / (criterion.maxScore - criterion.minScore);
      return { name, weight, raw, normalized: Math.min(1, Math.max(0, scaled)) };
    }
    if (raw < 0 || raw > 1) {
      return {
        name,
        weight,
        error: `returned ${raw}, outside [0, 1]; enable normalize or set minScore/maxScore`,
      };
    }
    return { name, weight, raw, normalized: raw };
  } catch (error) {
    return { name, weight, error: describeCause(error) };
  } finally {
    clearTimeout(timer);
  }
}
