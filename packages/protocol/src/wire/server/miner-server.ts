import type { AddressInfo } from 'node:net';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import PQueue from 'p-queue';
import type { z } from 'zod';
import { describeCause, EnvelopeRejectedError } from '../../errors.js';
import { type MtLogger, silentLogger } from '../../logging/logger.js';
import { LatencyHistogram, type LatencySnapshot } from '../../metrics/latency-histogram.js';
import { type JsonValue, jsonValueSchema } from '../../schemas/json-value.js';
import { ReplayGuard } from '../envelope/replay-guard.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { verifyEnvelope } from '../envelope/verify-envelope.js';
import type { Hotkey } from '../keys/hotkey.js';
import type { MinerServerObserver, WireStage } from './miner-server-observer.js';
import { type RateLimit, RateLimiter } from './rate-limiter.js';
import { WireReply } from './wire-error.js';

/** What a handler is told about the request it serves. */
export interface HandlerContext {
  /** The verified address of the validator that sent it. */
  sender: string;
  taskType: string;
  /** Fires when the handler's timeout passes or the client goes away. */
  signal: AbortSignal;
}

/** A handler for one task type: a runtime schema for its input and the function that answers it. */
export interface TaskHandler<S extends z.ZodType = z.ZodType> {
  schema: S;
  handle(input: z.output<S>, context: HandlerContext): JsonValue | Promise<JsonValue>;
  /** Overrides the server's `handlerTimeoutMs` for this task type. */
  timeoutMs?: number;
}

/** Options of {@link createMinerServer}. */
export interface MinerServerOptions {
  hotkey: Hotkey;
  /** Handlers by task type; each is served at `POST /v1/tasks/<taskType>`. */
  handlers: Record<string, TaskHandler>;
  /** Largest request body, in bytes, refused with 413 before it is read. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Accepted clock difference for signed timestamps, ±ms. Default 30 s. */
  timestampWindowMs?: number;
  /** Nonces remembered against replay. Default 100,000. */
  replayCapacity?: number;
  /** Called with the verified sender; return a reason (or `true`) to refuse it with 403. */
  blacklist?: (sender: string, taskType: string) => boolean | string | undefined;
  /** Higher runs sooner; called with the verified sender. Default 0 for everyone. */
  priority?: (sender: string, taskType: string) => number;
  /** Handlers running at once. Default 4. */
  concurrency?: number;
  /** Requests waiting beyond those running; past it, 429. Default 256. */
  maxQueue?: number;
  /** Time a handler may take, in ms; past it, 504. Default 30 s. */
  handlerTimeoutMs?: number;
  /** Per-sender token bucket; past it, 429 with Retry-After. Default 20 burst, 10/s. */
  rateLimit?: RateLimit;
  /**
   * Adds unsigned routes (a metrics endpoint, say) before the server starts
   * listening, which is the only time fastify accepts them.
   */
  routes?: (app: FastifyInstance) => void;
  /** Told of every answered request (metrics: `WireMetrics` in `@mt/telemetry`). */
  observer?: MinerServerObserver;
  /**
   * One line per request at `debug`, server errors (5xx) at `warn`, each with
   * its route, task type, status, error code, refusing stage, sender and time.
   * Default: silent.
   */
  logger?: MtLogger;
}

/** Counts and latencies a miner server reports. */
export interface MinerServerMetrics {
  /** Responses by HTTP status. */
  responses: Record<string, number>;
  /** Time from arrival to answer of served requests. */
  latency: LatencySnapshot;
  queue: { waiting: number; running: number };
}

/** A running miner server. */
export interface MinerServer {
  readonly address: string;
  /** Base URL once listening, e.g. `http://127.0.0.1:8091`. */
  readonly url: string;
  /** The fastify instance (add routes through `MinerServerOptions.routes`, before it listens). */
  readonly app: FastifyInstance;
  metrics(): MinerServerMetrics;
  /** Stops accepting requests and resolves once those in flight are answered. */
  close(): Promise<void>;
}

/** The route a task type is served at. */
export function taskPath(taskType: string): string {
  return `/v1/tasks/${taskType}`;
}

/**
 * Starts a miner server (the Axon equivalent) on `host:port` (port 0 picks a
 * free one). Every request passes, in order: the body size limit, envelope
 * verification (version, signature, receiver, timestamp window, body hash,
 * nonce), the blacklist (on the verified sender), the per-sender rate limit,
 * input parsing against the task's schema, the bounded priority queue, and
 * the handler under its timeout. Every answer to a verified request is signed
 * and addressed to its sender.
 *
 * @example
 * ```ts
 * const server = await createMinerServer({
 *   hotkey,
 *   handlers: { echo: { schema: z.object({ text: z.string() }), handle: (input) => ({ text: input.text }) } },
 * }, { port: 8091 });
 * ```
 */
export async function createMinerServer(
  options: MinerServerOptions,
  listen: { port?: number; host?: string } = {},
): Promise<MinerServer> {
  const key = options.hotkey;
  const windowMs = options.timestampWindowMs ?? 30_000;
  const replayGuard = new ReplayGuard({
    ttlMs: 2 * windowMs,
    capacity: options.replayCapacity ?? 100_000,
  });
  const rateLimiter = new RateLimiter(options.rateLimit ?? { capacity: 20, refillPerSecond: 10 });
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const maxQueue = options.maxQueue ?? 256;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  const responses: Record<string, number> = {};
  const latency = new LatencyHistogram();
  // The verified envelope of each request, for signing its answer.
  const verified = new WeakMap<FastifyRequest, { sender: string; nonce: string; target: string }>();
  // How far each task request got and why it stopped, for the observer and the log.
  const outcomes = new WeakMap<FastifyRequest, { stage: WireStage; code?: string }>();
  const logger = options.logger ?? silentLogger;

  const app = Fastify({
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    return503OnClosing: true,
  });
  // Bodies stay raw bytes: the signature covers the exact bytes, and nothing is
  // parsed before the sender is verified.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    const code =
      status === 413
        ? 'MT_WIRE_BODY_TOO_LARGE'
        : status === 415
          ? 'MT_WIRE_UNSUPPORTED_MEDIA'
          : 'MT_WIRE_BAD_REQUEST';
    outcomes.set(request, { stage: 'body', code });
    void sendError(
      request,
      reply,
      new WireReply(status >= 400 && status < 600 ? status : 500, code, error.message),
    );
  });

  app.get('/health', async () => ({
    status: 'ok',
    address: key.address,
    taskTypes: Object.keys(options.handlers),
    queue: { waiting: queue.size, running: queue.pending },
  }));

  app.post<{ Params: { taskType: string } }>('/v1/tasks/:taskType', async (request, reply) => {
    const started = performance.now();
    const { taskType } = request.params;
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let stage: WireStage = 'envelope';
    try {
      const envelope = verifyEnvelope({
        header: (name) => headerOf(request, name),
        body,
        kind: 'request',
        target: `POST ${taskPath(taskType)}`,
        receiver: key.address,
        windowMs,
        replayGuard,
      });
      const sender = envelope.sender;
      verified.set(request, {
        sender,
        nonce: envelope.nonce,
        target: `POST ${taskPath(taskType)}`,
      });

      stage = 'blacklist';
      const refusal = options.blacklist?.(sender, taskType);
      if (refusal !== undefined && refusal !== false) {
        throw new WireReply(
          403,
          'MT_WIRE_BLACKLISTED',
          typeof refusal === 'string' ? refusal : `${sender} is not served`,
        );
      }
      stage = 'rate_limit';
      const waitSeconds = rateLimiter.take(sender);
      if (waitSeconds > 0) {
        throw new WireReply(429, 'MT_WIRE_RATE_LIMITED', `${sender} is sending too fast`, {
          'retry-after': String(Math.ceil(waitSeconds)),
        });
      }
      stage = 'route';
      // Own properties only: a task type named `constructor` must not reach Object's.
      const handler = Object.hasOwn(options.handlers, taskType)
        ? options.handlers[taskType]
        : undefined;
      if (handler === undefined) {
        throw new WireReply(
          404,
          'MT_WIRE_UNKNOWN_TASK_TYPE',
          `this miner serves ${Object.keys(options.handlers).join(', ') || 'no task types'}`,
        );
      }
      stage = 'parse';
      const input = parseInput(handler, body);
      stage = 'queue';
      if (queue.size >= maxQueue) {
        throw new WireReply(
          429,
          'MT_WIRE_QUEUE_FULL',
          `the queue is full (${maxQueue} waiting); retry later`,
          {
            'retry-after': '1',
          },
        );
      }

      // The client going away aborts the work, whether queued or running.
      const gone = new AbortController();
      // The response closing before it was written means the connection went away.
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) gone.abort(clientGone());
      });
      const priority = options.priority?.(sender, taskType) ?? 0;
      const output = await queue.add(
        () => {
          stage = 'handler';
          return runHandler(
            handler,
            input,
            { sender, taskType, signal: gone.signal },
            handler.timeoutMs ?? handlerTimeoutMs,
          );
        },
        { priority, signal: gone.signal },
      );
      const result = jsonValueSchema.safeParse(output);
      if (!result.success)
        throw new WireReply(
          500,
          'MT_WIRE_HANDLER_OUTPUT_INVALID',
          'the handler returned something that is not JSON',
        );
      latency.record(performance.now() - started);
      outcomes.set(request, { stage: 'answered' });
      return sendSigned(request, reply, 200, { result: result.data });
    } catch (error) {
      const wireReply = toWireReply(error);
      outcomes.set(request, { stage, code: wireReply.code });
      return sendError(request, reply, wireReply);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const onTaskRoute = route === '/v1/tasks/:taskType';
    if (onTaskRoute) responses[String(status)] = (responses[String(status)] ?? 0) + 1;
    const outcome = outcomes.get(request);
    const requested = (request.params as { taskType?: string } | undefined)?.taskType;
    const event = {
      route,
      status,
      durationMs: reply.elapsedTime,
      ...(onTaskRoute && requested !== undefined
        ? { taskType: Object.hasOwn(options.handlers, requested) ? requested : 'unknown' }
        : {}),
      ...(outcome?.code === undefined ? {} : { code: outcome.code }),
      ...(outcome === undefined ? {} : { stage: outcome.stage }),
      ...(verified.has(request) ? { sender: verified.get(request)?.sender } : {}),
    };
    try {
      options.observer?.response?.(event);
    } catch (error) {
      // An observer's bug must not cost the server its next answers; it is reported, not hidden.
      logger.error({ err: error, route }, 'miner server observer failed');
    }
    if (status >= 500) logger.warn(event, 'request failed');
    else logger.debug(event, 'request');
  });

  // While closing, answers ask the client to drop its keep-alive connection, so
  // close() does not wait on connections that would otherwise stay open.
  let closing = false;
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  function sendSigned(
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    payload: unknown,
  ) {
    const bytes = Buffer.from(JSON.stringify(payload));
    const envelope = verified.get(request);
    reply.code(status).type('application/json');
    if (envelope) {
      reply.headers(
        signEnvelope({
          key,
          kind: 'response',
          target: envelope.target,
          receiver: envelope.sender,
          body: bytes,
          requestNonce: envelope.nonce,
        }),
      );
    }
    return reply.send(bytes);
  }

  function sendError(request: FastifyRequest, reply: FastifyReply, wireReply: WireReply) {
    reply.headers(wireReply.headers);
    // Answers to requests that failed verification stay unsigned: there is no
    // verified sender to address them to.
    return sendSigned(request, reply, wireReply.status, wireReply.toBody());
  }

  options.routes?.(app);
  options.observer?.attach?.({ queue: () => ({ waiting: queue.size, running: queue.pending }) });
  await app.listen({ port: listen.port ?? 0, host: listen.host ?? '127.0.0.1' });
  const bound = app.server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: key.address,
    url: `http://${host}:${bound.port}`,
    app,
    metrics: () => ({
      responses: { ...responses },
      latency: latency.snapshot(),
      queue: { waiting: queue.size, running: queue.pending },
    }),
    close: async () => {
      closing = true;
      await app.close();
      await queue.onIdle();
    },
  };
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseInput(handler: TaskHandler, body: Buffer): unknown {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new WireReply(
      400,
      'MT_WIRE_MALFORMED_JSON',
      `the body is not JSON: ${(error as Error).message}`,
    );
  }
  const parsed = handler.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`,
    );
    throw new WireReply(422, 'MT_WIRE_INVALID_INPUT', issues.join('; '));
  }
  return parsed.data;
}

async function runHandler(
  handler: TaskHandler,
  input: unknown,
  context: HandlerContext,
  timeoutMs: number,
): Promise<JsonValue> {
  const controller = new AbortController();
  const onGone = () => controller.abort(context.signal.reason);
  context.signal.addEventListener('abort', onGone, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new WireReply(
        504,
        'MT_WIRE_HANDLER_TIMEOUT',
        `the handler took longer than ${timeoutMs} ms`,
      );
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve().then(() =>
        handler.handle(input, { ...context, signal: controller.signal }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    context.signal.removeEventListener('abort', onGone);
  }
}

function clientGone(): WireReply {
  return new WireReply(499, 'MT_WIRE_CLIENT_GONE', 'the client disconnected before the answer');
}

function toWireReply(error: unknown): WireReply {
  if (error instanceof WireReply) return error;
  if (EnvelopeRejectedError.isInstance(error))
    return new WireReply(error.httpStatus, error.code, error.message);
  if (error instanceof Error && error.name === 'AbortError') return clientGone();
  return new WireReply(500, 'MT_WIRE_HANDLER_FAILED', describeCause(error));
}
