import {
  formatIssues,
  JsonParseError,
  type JsonValue,
  jsonValueSchema,
  parseJson,
  raceWithSignal,
  SchemaValidationError,
  type SubnetMiner,
  solveToResult,
  taskSchema,
} from '@mt/protocol';
import type { z } from 'zod';
import { WireReply } from '../http/wire-request.js';
import type { RateLimiter } from './rate-limiter.js';

// The small named stages a task request passes, in order, after its envelope
// is verified. Each refuses with a WireReply or returns what the next needs;
// `createMinerHandler` composes them and owns their order.

/** What a handler is told about the request it serves. */
export interface HandlerContext {
  /** The verified address of the validator that sent it. */
  sender: string;
  taskType: string;
  /** When the validator stops waiting, in ms since the epoch (signed by it, capped by this server). */
  deadline: number;
  /** Fires at the deadline or when the client goes away: stop the work, down to its worker. */
  signal: AbortSignal;
}

/** A handler for one task type: a runtime schema for its input and the function that answers it. */
export interface TaskHandler<S extends z.ZodType = z.ZodType> {
  /** The schema the request body is parsed with, once, before `handle` runs. */
  schema: S;
  /** Does the task on its checked input, before `context.deadline`; the answer is JSON. */
  handle(input: z.output<S>, context: HandlerContext): JsonValue | Promise<JsonValue>;
}

/**
 * A {@link TaskHandler} whose `input` type is inferred from its schema, for
 * handlers written inline in a `handlers` record (where it would be `unknown`).
 *
 * @example
 * ```ts
 * handlers: { echo: taskHandler(z.object({ text: z.string() }), (input) => ({ text: input.text })) }
 * ```
 */
export function taskHandler<S extends z.ZodType>(
  schema: S,
  handle: TaskHandler<S>['handle'],
): TaskHandler {
  return { schema, handle };
}

/**
 * The task handler that serves a subnet's miner role: the body is checked
 * against the Task schema once, the miner runs until the signed deadline, and
 * the answer is its `Result`.
 *
 * @example
 * ```ts
 * createMinerServer({ hotkey, handlers: { [miner.name]: subnetTaskHandler(miner) } }, { port: 8091 });
 * ```
 */
export function subnetTaskHandler(miner: SubnetMiner): TaskHandler {
  // A Result is JSON by its schema; the cast only widens it to JsonValue.
  return taskHandler(
    taskSchema,
    async (task, context) => (await solveToResult(miner, task, context)) as unknown as JsonValue,
  );
}

/** Refuses a sender the blacklist names (403). */
export function refuseBlacklisted(
  blacklist: ((sender: string, taskType: string) => boolean | string | undefined) | undefined,
  sender: string,
  taskType: string,
): void {
  const refusal = blacklist?.(sender, taskType);
  if (refusal === undefined || refusal === false) return;
  throw new WireReply(
    403,
    'MT_WIRE_BLACKLISTED',
    typeof refusal === 'string' ? refusal : `${sender} is not served`,
  );
}

/** Refuses a sender over its token bucket (429 with Retry-After). */
export function limitRate(limiter: RateLimiter, sender: string): void {
  const waitSeconds = limiter.take(sender);
  if (waitSeconds <= 0) return;
  throw new WireReply(429, 'MT_WIRE_RATE_LIMITED', `${sender} is sending too fast`, {
    'retry-after': String(Math.ceil(waitSeconds)),
  });
}

/** The handler of `taskType`, or 404. Own properties only: `constructor` must not reach Object's. */
export function routeTo(handlers: Record<string, TaskHandler>, taskType: string): TaskHandler {
  const handler = Object.hasOwn(handlers, taskType) ? handlers[taskType] : undefined;
  if (handler !== undefined) return handler;
  throw new WireReply(
    404,
    'MT_WIRE_UNKNOWN_TASK_TYPE',
    `this miner serves ${Object.keys(handlers).join(', ') || 'no task types'}`,
  );
}

/** The body parsed once, depth-bounded, against the handler's schema: 400 or 422 otherwise. */
export function parseInput(handler: TaskHandler, body: Uint8Array, maxDepth: number): unknown {
  try {
    return parseJson(body, handler.schema, { maxDepth, typeName: 'input' });
  } catch (error) {
    if (JsonParseError.isInstance(error)) {
      throw new WireReply(
        400,
        error.code === 'MT_JSON_TOO_DEEP' ? 'MT_WIRE_JSON_TOO_DEEP' : 'MT_WIRE_MALFORMED_JSON',
        error.message,
      );
    }
    if (SchemaValidationError.isInstance(error)) {
      throw new WireReply(422, 'MT_WIRE_INVALID_INPUT', formatIssues(error.issues, '(body)'));
    }
    throw error;
  }
}

/** The 504 a request whose deadline has passed gets. */
export function deadlinePassed(where: string): WireReply {
  return new WireReply(504, 'MT_WIRE_DEADLINE_EXCEEDED', `the request's deadline passed ${where}`);
}

/**
 * The deadline this server works to: the sender's, capped at `maxTaskMs`
 * from now. A deadline already past is refused (504) before any work.
 */
export function admitDeadline(deadline: number, now: number, maxTaskMs: number): number {
  if (deadline <= now) throw deadlinePassed('before the request arrived (check the clocks)');
  return Math.min(deadline, now + maxTaskMs);
}

/**
 * A signal that fires at `deadline` (reason: the 504) or when the client
 * goes away (reason: 499), and a function that stops its timer.
 */
export function deadlineSignal(
  deadline: number,
  now: number,
  onGone: ((listener: () => void) => void) | undefined,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(deadlinePassed('while the task was queued or running')),
    deadline - now,
  );
  onGone?.(() => controller.abort(clientGone()));
  return { signal: controller.signal, dispose: () => clearTimeout(timer) };
}

/** The 499 for a client that went away before its answer. */
export function clientGone(): WireReply {
  return new WireReply(499, 'MT_WIRE_CLIENT_GONE', 'the client disconnected before the answer');
}

/**
 * Runs the handler until it answers or `signal` fires, whichever is first:
 * at the deadline the slot is freed at once, and the handler (which got the
 * same signal) is expected to stop its work.
 */
export async function runUntilDeadline(
  handler: TaskHandler,
  input: unknown,
  context: HandlerContext,
): Promise<JsonValue> {
  const output = await raceWithSignal(
    Promise.resolve().then(() => handler.handle(input, context)),
    context.signal,
  );
  if (!jsonValueSchema.safeParse(output).success) {
    throw new WireReply(
      500,
      'MT_WIRE_HANDLER_OUTPUT_INVALID',
      'the handler returned something that is not JSON',
    );
  }
  return output;
}
