import {
  DEFAULT_MAX_JSON_DEPTH,
  type JsonValue,
  LatencyHistogram,
  type LatencySnapshot,
  type MinerServerObserver,
  silentLogger,
  TaskValidationError,
  type WireResponseEvent,
  type WireStage,
} from '@mt/protocol';
import { TASK_PREFIX, taskPath } from '../envelope/headers.js';
import { signEnvelopeOn, verifyEnvelopeOn } from '../envelope/pooled-envelope.js';
import { ReplayGuard } from '../envelope/replay-guard.js';
import type { VerifiedEnvelope, VerifyEnvelopeInput } from '../envelope/verify-envelope.js';
import { EnvelopeRejectedError } from '../errors.js';
import type { CarriedHandler } from '../http/http-carrier.js';
import { type PlainRoute, responseOf, wireRequestOf } from '../http/web-standard.js';
import { type WireAnswer, WireReply, type WireRequest } from '../http/wire-request.js';
import type { Hotkey } from '../keys/hotkey.js';
import type { SignerPool } from '../keys/signer-pool.js';
import { RateLimiter } from './rate-limiter.js';
import { SenderQueue, type ServerBounds } from './sender-queue.js';
import { runStages, type Stage } from './stages.js';
import {
  admitDeadline,
  clientGone,
  deadlinePassed,
  deadlineSignal,
  limitRate,
  parseInput,
  refuseBlacklisted,
  routeTo,
  runUntilDeadline,
  type TaskHandler,
} from './task-stages.js';

/** Options of {@link createMinerHandler}. */
export interface MinerHandlerOptions extends ServerBounds {
  hotkey: Hotkey;
  /** Handlers by task type; each is served at `POST /v1/tasks/<taskType>`. */
  handlers: Record<string, TaskHandler>;
  /** Largest request body, in bytes, refused with 413 (before it is read, when declared). Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Accepted clock difference for signed timestamps, ±ms. Default 30 s. */
  timestampWindowMs?: number;
  /**
   * Called with the verified sender; return a reason (or `true`) to refuse it
   * with 403. Refuse every key that is not a validator of your subnet: it is
   * what keeps strangers from the rate limiter's and replay memory's room.
   */
  blacklist?: (sender: string, taskType: string) => boolean | string | undefined;
  /** Higher runs sooner; called with the verified sender. Default 0 for everyone. */
  priority?: (sender: string, taskType: string) => number;
  /**
   * The longest this server works on one task, in ms, whatever deadline the
   * validator signed. Default 60 s.
   */
  maxTaskMs?: number;
  /** Unsigned routes by `METHOD /path`, e.g. `{ 'GET /metrics': () => new Response(text) }`. */
  routes?: Record<string, PlainRoute>;
  /** Told of every answered request (metrics: `WireMetrics` in `@mt/telemetry`). */
  observer?: MinerServerObserver;
  /**
   * Checks signatures and signs answers on these worker threads (libsodium)
   * instead of the event loop; see `SignerPool`. Default: `node:crypto`, inline.
   */
  signer?: SignerPool;
  /** Wall clock in ms since the epoch, for timestamps and deadlines. Default `Date.now`. */
  now?: () => number;
}

/** Counts and latencies a miner server reports. */
export interface MinerServerMetrics {
  /** Responses of the task route by HTTP status. */
  responses: Record<string, number>;
  /** Time from arrival to answer of served requests. */
  latency: LatencySnapshot;
  queue: { waiting: number; running: number };
  /** What the replay memory holds: senders and nonces over all of them. */
  replay: { senders: number; nonces: number };
}

/**
 * The miner's side of the wire as a web-standard handler: `fetch(Request)`
 * gives the `Response`, with no socket involved, so it runs under any server
 * (Node, Bun, Deno, a test) and is unit-tested as a function.
 * `createMinerServer` puts it on `node:http`.
 */
export interface MinerHandler extends CarriedHandler {
  readonly address: string;
  /** Answers one request, signed: the handler as a web-standard `fetch`. */
  fetch(request: Request): Promise<Response>;
  /** Counts so far: responses by status, latency, the queue. */
  metrics(): MinerServerMetrics;
  /** Refuses new tasks with 503 and resolves once those in flight are answered. */
  close(): Promise<void>;
}

const TASK_ROUTE = '/v1/tasks/:taskType';

/**
 * Builds the miner handler (the Axon equivalent). Every task request passes
 * these stages in order, each refusing with its own status and code:
 *
 * 1. `body`: read within `bodyLimitBytes` (413), by the carrier;
 * 2. `envelope`: version, sender key, receiver, timestamp window, deadline,
 *    body hash, signature (401/400/421);
 * 3. `blacklist` on the verified sender (403);
 * 4. `rate_limit`, per sender (429);
 * 5. `replay`: the nonce's first use, remembered per sender (409/503);
 * 6. `route` to the task type (404);
 * 7. `parse`: JSON once, depth-bounded, against the task's schema (400/422);
 * 8. `deadline`: the signed deadline, capped at `maxTaskMs` (504 when past);
 * 9. `queue`: a cap on the sender's tasks in flight, then a bounded priority
 *    queue (429 either way), left at the deadline (504);
 * 10. `handler`, aborted at the deadline (504) or when the client goes (499).
 *
 * Every answer to a verified request is signed and addressed to its sender.
 *
 * @example
 * ```ts
 * const miner = createMinerHandler({
 *   hotkey,
 *   handlers: { echo: { schema: z.object({ text: z.string() }), handle: (input) => ({ text: input.text }) } },
 * });
 * const response = await miner.fetch(request); // or: await createMinerServer(options, { port: 8091 })
 * ```
 */
export function createMinerHandler(options: MinerHandlerOptions): MinerHandler {
  const key = options.hotkey;
  const now = options.now ?? Date.now;
  const windowMs = options.timestampWindowMs ?? 30_000;
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const maxJsonDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const maxTaskMs = options.maxTaskMs ?? 60_000;
  const replayGuard = new ReplayGuard({ ttlMs: 2 * windowMs, ...options.replay });
  const rateLimiter = new RateLimiter(options.rateLimit);
  const queue = new SenderQueue(options);
  const logger = options.logger ?? silentLogger;
  const responses: Record<string, number> = {};
  const latency = new LatencyHistogram();
  const taskTypes = Object.keys(options.handlers);
  let closing = false;

  const routes: Record<string, PlainRoute> = {
    'GET /health': () =>
      Response.json({
        status: 'ok',
        address: key.address,
        taskTypes,
        queue: queue.counts,
      }),
    ...options.routes,
  };

  function report(event: WireResponseEvent): void {
    try {
      options.observer?.response?.(event);
    } catch (error) {
      // An observer's bug must not cost the server its next answers; it is reported, not hidden.
      logger.error({ err: error, route: event.route }, 'miner server observer failed');
    }
    if (event.status >= 500) logger.warn({ ...event }, 'request failed');
    else logger.debug({ ...event }, 'request');
  }

  const signer = options.signer;

  /** The envelope's sender, verified inline or on the signer's threads. */
  const authenticate = (input: VerifyEnvelopeInput) => verifyEnvelopeOn(signer, input);

  async function answer(
    status: number,
    payload: unknown,
    envelope: VerifiedEnvelope | undefined,
    target: string,
    extra: Record<string, string> = {},
  ): Promise<WireAnswer> {
    const body = Buffer.from(JSON.stringify(payload));
    const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
    if (closing) headers.connection = 'close';
    // Answers to requests that failed verification stay unsigned: there is no
    // verified sender to address them to.
    if (envelope) {
      const response = {
        key,
        kind: 'response' as const,
        target,
        receiver: envelope.sender,
        body,
        requestNonce: envelope.nonce,
      };
      Object.assign(headers, await signEnvelopeOn(signer, response));
    }
    return { status, headers, body };
  }

  /** What a task request's stages learn, in the order they learn it. */
  interface TaskExchange {
    readonly request: WireRequest;
    readonly taskType: string;
    readonly target: string;
    stage: WireStage;
    body?: Uint8Array;
    envelope?: VerifiedEnvelope;
    handler?: TaskHandler;
    input?: unknown;
    arrived?: number;
    deadline?: number;
    output?: JsonValue;
  }
  const senderOf = (x: TaskExchange) => (x.envelope as VerifiedEnvelope).sender;

  /** The task route's stages, in order (see this function's description). */
  const stages: Stage<TaskExchange>[] = [
    {
      name: 'body',
      run: (x) => {
        if (x.request.body instanceof WireReply) throw x.request.body;
        if (closing) throw new WireReply(503, 'MT_WIRE_CLOSING', 'the miner is shutting down');
        x.body = x.request.body;
      },
    },
    {
      name: 'envelope',
      run: async (x) => {
        x.envelope = await authenticate({
          header: x.request.header,
          body: x.body as Uint8Array,
          kind: 'request',
          target: x.target,
          receiver: key.address,
          windowMs,
          now: now(),
        });
      },
    },
    {
      name: 'blacklist',
      run: (x) => refuseBlacklisted(options.blacklist, senderOf(x), x.taskType),
    },
    { name: 'rate_limit', run: (x) => limitRate(rateLimiter, senderOf(x)) },
    {
      name: 'replay',
      run: (x) => replayGuard.remember(senderOf(x), (x.envelope as VerifiedEnvelope).nonce),
    },
    {
      name: 'route',
      run: (x) => {
        x.handler = routeTo(options.handlers, x.taskType);
      },
    },
    {
      name: 'parse',
      run: (x) => {
        x.input = parseInput(x.handler as TaskHandler, x.body as Uint8Array, maxJsonDepth);
      },
    },
    {
      name: 'deadline',
      run: (x) => {
        x.arrived = now();
        x.deadline = admitDeadline(x.envelope?.deadline ?? 0, x.arrived, maxTaskMs);
      },
    },
    {
      name: 'queue',
      run: async (x) => {
        const sender = senderOf(x);
        const deadline = x.deadline as number;
        const { signal, dispose } = deadlineSignal(deadline, x.arrived as number, x.request.onGone);
        try {
          x.output = await queue.run(
            sender,
            options.priority?.(sender, x.taskType) ?? 0,
            signal,
            () => {
              if (now() >= deadline) throw deadlinePassed('while the task was queued');
              x.stage = 'handler';
              return runUntilDeadline(x.handler as TaskHandler, x.input, {
                sender,
                taskType: x.taskType,
                deadline,
                signal,
              });
            },
          );
        } finally {
          dispose();
        }
      },
    },
  ];

  async function serveTask(request: WireRequest, taskType: string): Promise<WireAnswer> {
    const started = performance.now();
    const target = `POST ${taskPath(taskType)}`;
    const x: TaskExchange = { request, taskType, target, stage: 'body' };
    let result: WireAnswer;
    let code: string | undefined;
    try {
      await runStages(stages, x);
      latency.record(performance.now() - started);
      x.stage = 'answered';
      result = await answer(200, { result: x.output }, x.envelope, target);
    } catch (error) {
      const reply = toWireReply(error);
      // The cause of a failure of ours stays here, for the operator: its text (a
      // model runtime's, a path) is no validator's business.
      if (reply.code === HANDLER_FAILED)
        logger.error({ err: error, taskType, stage: x.stage }, 'handler failed');
      code = reply.code;
      result = await answer(reply.status, reply.toBody(), x.envelope, target, reply.headers);
    }
    responses[String(result.status)] = (responses[String(result.status)] ?? 0) + 1;
    report({
      route: TASK_ROUTE,
      status: result.status,
      durationMs: performance.now() - started,
      taskType: Object.hasOwn(options.handlers, taskType) ? taskType : 'unknown',
      stage: x.stage,
      ...(code === undefined ? {} : { code }),
      ...(x.envelope === undefined ? {} : { sender: x.envelope.sender }),
    });
    return result;
  }

  async function servePlain(request: Request, route: string): Promise<Response> {
    const started = performance.now();
    const plain = Object.hasOwn(routes, route) ? routes[route] : undefined;
    let response: Response;
    if (plain) {
      try {
        response = await plain(request);
      } catch (error) {
        logger.error({ err: error, route }, 'route failed');
        response = Response.json(
          new WireReply(
            500,
            'MT_WIRE_ROUTE_FAILED',
            'the route failed; see the server log',
          ).toBody(),
          { status: 500 },
        );
      }
    } else {
      response = Response.json(
        new WireReply(404, 'MT_WIRE_NOT_FOUND', `no route ${route}`).toBody(),
        { status: 404 },
      );
    }
    report({
      route: plain ? route.slice(route.indexOf(' ') + 1) : 'unmatched',
      status: response.status,
      durationMs: performance.now() - started,
    });
    return response;
  }

  // Task requests being served, so close() can wait for their answers, signing included.
  const inFlight = new Set<Promise<WireAnswer>>();
  function track(request: WireRequest, taskType: string): Promise<WireAnswer> {
    const serving = serveTask(request, taskType);
    inFlight.add(serving);
    const forget = () => inFlight.delete(serving);
    serving.then(forget, forget);
    return serving;
  }

  const handle = (request: WireRequest): Promise<WireAnswer> => {
    const taskType = request.method === 'POST' ? taskTypeOf(request.path) : undefined;
    if (taskType !== undefined) return track(request, taskType);
    const reply = new WireReply(
      404,
      'MT_WIRE_NOT_FOUND',
      `no route ${request.method} ${request.path}`,
    );
    return answer(404, reply.toBody(), undefined, '');
  };

  return {
    address: key.address,
    bodyLimitBytes,
    takes: (method, path) => method === 'POST' && taskTypeOf(path) !== undefined,
    handle,
    async fetch(request) {
      const url = new URL(request.url);
      const taskType = request.method === 'POST' ? taskTypeOf(url.pathname) : undefined;
      if (taskType === undefined) return servePlain(request, `${request.method} ${url.pathname}`);
      return responseOf(await track(await wireRequestOf(request, bodyLimitBytes), taskType));
    },
    metrics: () => ({
      responses: { ...responses },
      latency: latency.snapshot(),
      queue: queue.counts,
      replay: { senders: replayGuard.senders, nonces: replayGuard.size },
    }),
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** The task type a path names, or undefined off the task routes. */
function taskTypeOf(path: string): string | undefined {
  if (!path.startsWith(TASK_PREFIX)) return undefined;
  const taskType = path.slice(TASK_PREFIX.length);
  // Task types are plain names, taken as sent: the signed target is built from the same text.
  return taskType === '' || taskType.includes('/') ? undefined : taskType;
}

function toWireReply(error: unknown): WireReply {
  if (error instanceof WireReply) return error;
  if (EnvelopeRejectedError.isInstance(error))
    return new WireReply(error.httpStatus, error.code, error.message);
  // The subnet's own rules for the payload: the request is at fault, not the miner.
  if (TaskValidationError.isInstance(error))
    return new WireReply(422, 'MT_WIRE_INVALID_INPUT', error.message);
  if (error instanceof Error && error.name === 'AbortError') return clientGone();
  return new WireReply(
    500,
    HANDLER_FAILED,
    'the miner could not answer this task; its operator has the details',
  );
}

/** The code of a handler's own failure: answered with a generic message, logged in full. */
const HANDLER_FAILED = 'MT_WIRE_HANDLER_FAILED';
