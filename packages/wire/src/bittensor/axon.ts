import {
  DEFAULT_MAX_JSON_DEPTH,
  LatencyHistogram,
  type LatencySnapshot,
  type MinerServerObserver,
  type MtLogger,
  raceWithSignal,
  silentLogger,
  TaskValidationError,
  type WireStage,
} from '@mt/protocol';
import { ReplayGuard } from '../envelope/replay-guard.js';
import { EnvelopeRejectedError } from '../errors.js';
import {
  type CarriedHandler,
  type CarriedServer,
  type CarrierOptions,
  serveHandler,
} from '../http/http-carrier.js';
import { type PlainRoute, responseOf, wireRequestOf } from '../http/web-standard.js';
import { type WireAnswer, WireReply, type WireRequest } from '../http/wire-request.js';
import { RateLimiter } from '../server/rate-limiter.js';
import { SenderQueue, type ServerBounds } from '../server/sender-queue.js';
import { runStages, type Stage } from '../server/stages.js';
import { SynapseFieldError } from './errors.js';
import { parsePythonJson } from './python-json.js';
import { pythonFloatRepr, pythonJsonDumps, pythonStrRepr } from './python-str.js';
import type { PyValue } from './python-types.js';
import { type Sr25519Hotkey, sr25519SignatureRefusal } from './sr25519.js';
import {
  defineSynapse,
  type SynapseDeclaration,
  type SynapseFields,
  type SynapseValues,
} from './synapse.js';
import type { Sr25519VerifierPool } from './verifier-pool.js';
import { nowNs } from './wire-clock.js';

/** The oldest dendrite version served: 7.2.0, the first whose nonces are bound to a time window. */
export const MIN_DENDRITE_VERSION = 7_002_000;

/** Python's `ALLOWED_DELTA`: a nonce may be this old, plus the request's timeout, in ns. */
const ALLOWED_DELTA_NS = 4_000_000_000n;

/** What a forward function is told of the request it answers. */
export interface AxonContext {
  /** The dendrite's hotkey (SS58), its signature verified. */
  hotkey: string;
  /** The synapse's name (the route). */
  synapse: string;
  /** When the dendrite stops waiting (its timeout, capped by the axon), in ms since the epoch. */
  deadline: number;
  /** Fires at the deadline or when the dendrite goes: stop the work. */
  signal: AbortSignal;
}

/** One synapse an axon serves: its declaration and the function that fills its outputs. */
export interface AxonRoute<F extends SynapseFields = SynapseFields> {
  synapse: SynapseDeclaration<F>;
  /**
   * Answers a request: given every field as sent (typed), returns the fields
   * it fills (the outputs). What it returns is checked against the fields'
   * Python types before it is sent.
   */
  forward?(
    input: SynapseValues<F>,
    context: AxonContext,
  ): Partial<SynapseValues<F>> | Promise<Partial<SynapseValues<F>>>;
  /**
   * Answers a streaming synapse (Python's `StreamingSynapse`) instead: the
   * chunks it yields are sent as they come, `text/event-stream`, every
   * synapse header first. The stream ends at the dendrite's timeout.
   */
  stream?(input: SynapseValues<F>, context: AxonContext): AsyncIterable<string | Uint8Array>;
}

/**
 * One synapse route, typed by its declaration: `forward` sees the synapse's
 * own fields. For `BittensorAxonOptions.routes`.
 *
 * @example
 * ```ts
 * axonRoute(Echo, ({ text }) => ({ out: text.toUpperCase() }))
 * ```
 */
export function axonRoute<F extends SynapseFields>(
  synapse: SynapseDeclaration<F>,
  forward: NonNullable<AxonRoute<F>['forward']>,
): AxonRoute {
  return { synapse, forward } as unknown as AxonRoute;
}

/**
 * One streaming synapse route: the chunks `stream` yields go to the
 * dendrite as they are made (its `BittensorDendrite.stream`, or Python's
 * `call_stream`).
 *
 * @example
 * ```ts
 * axonStreamRoute(StreamPrompting, async function* ({ prompt }) {
 *   for (const word of prompt.split(' ')) yield `${word}\n`;
 * })
 * ```
 */
export function axonStreamRoute<F extends SynapseFields>(
  synapse: SynapseDeclaration<F>,
  stream: NonNullable<AxonRoute<F>['stream']>,
): AxonRoute {
  return { synapse, stream } as unknown as AxonRoute;
}

/** Options of {@link BittensorAxon}. */
export interface BittensorAxonOptions extends ServerBounds {
  /** The axon's hotkey: requests must be signed to its SS58 address. */
  hotkey: Sr25519Hotkey;
  /** The synapses served, each at `/<name>`. The base `Synapse` (a ping) is always served too. */
  routes: readonly AxonRoute[];
  /**
   * Called with the claimed hotkey before the signature is checked, as
   * Python's axon does; return a reason (or `true`) to refuse it with 403.
   * Refuse every hotkey that is not a validator of your subnet: it keeps
   * strangers from the nonce memory and the queue.
   */
  blacklist?: (hotkey: string, synapse: string) => boolean | string | undefined;
  /**
   * Where signatures are checked: an {@link Sr25519VerifierPool} takes them
   * off the event loop. Default: inline, on the axon's own thread.
   */
  verifier?: Sr25519VerifierPool;
  /** Higher runs sooner; called with the verified hotkey. Default 0 for everyone. */
  priority?: (hotkey: string, synapse: string) => number;
  /**
   * Unsigned pages beside the synapses, by `METHOD /path` (e.g.
   * `{ 'GET /metrics': () => new Response(text) }`); they take the path
   * before any synapse of that name.
   */
  pages?: Record<string, PlainRoute>;
  /** Largest request body, in bytes, refused with 413 (before it is read, when declared). Default 8 MiB. */
  bodyLimitBytes?: number;
  /** The longest a forward runs, in ms, whatever `timeout` the dendrite sent. Default 60 s. */
  maxTimeoutMs?: number;
  /**
   * How far ahead of this axon's clock a nonce may be, in ms. Default 4 s
   * (Python's allowed delta). Python accepts any future nonce, which lets one
   * request lock its sender out.
   */
  maxFutureMs?: number;
  /** Told of every answered request (metrics: `WireMetrics` in `@mt/telemetry`). */
  observer?: MinerServerObserver;
  /** Wall clock in ns since the epoch (Python's `time.time_ns()`). Default: the system clock. */
  now?: () => bigint;
}

/** Counts an axon reports. */
export interface BittensorAxonMetrics {
  responses: Record<string, number>;
  latency: LatencySnapshot;
  queue: { waiting: number; running: number };
  replay: { senders: number; nonces: number };
}

/** Everything a request's stages learn, in the order they learn it. */
interface Exchange {
  readonly request: WireRequest;
  readonly started: number;
  /** Where the request is (where it ended, once answered). */
  stage: WireStage;
  route?: AxonRoute;
  /** The `timeout` header, seconds. */
  timeout: number;
  hotkey?: string;
  nonce?: bigint;
  nonceText?: string;
  uuid?: string;
  signature?: string;
  bodyHash?: string;
  /** The verified sender. */
  sender?: string;
  values?: Map<string, PyValue>;
  answer?: WireAnswer;
}

const refuse = (status: number, code: string, message: string): WireReply =>
  new WireReply(status, code, message);
const notVerified = (code: string, detail: string): WireReply =>
  refuse(401, code, `Not Verified with error: ${detail}`);

/** A header value as sent, or undefined when absent or empty. */
function headerOf(request: WireRequest, name: string): string | undefined {
  const value = request.header(name);
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** The base `Synapse` route Python's axon always serves: a signed ping that fills nothing. */
const PING = defineSynapse({ name: 'Synapse', fields: {} });

/**
 * Bittensor's axon (the miner's side of the v10 Synapse wire) as a
 * web-standard handler: `fetch(Request)` gives the `Response`, so it runs
 * under any server and is tested as a function; {@link BittensorAxon.serve}
 * puts it on `node:http` through the carrier our own miner uses, with the
 * same bounds (body size, JSON depth, time, connections, no decompression).
 *
 * A Python dendrite reads its answers as success and fills its outputs.
 * Every request passes these stages, in Python's order:
 *
 * 1. `route`: `/<synapse>` (404);
 * 2. `headers`: timeout, hotkey, nonce, uuid, version ≥ 7.2.0, a signature, the body hash (400/401);
 * 3. `blacklist` on the claimed hotkey (403);
 * 4. `verify`: the sr25519 signature over `nonce.dendrite.axon.uuid.body_hash`, and
 *    the nonce within `4 s + timeout` of now and at most `maxFutureMs` ahead (401);
 * 5. `rate_limit` per verified hotkey (429);
 * 6. `parse`: the body read as pydantic reads it, depth-bounded (400);
 * 7. `body_hash`: the body's typed fields hash to the signed hash (400);
 * 8. `replay`: the nonce's first use, remembered per hotkey (401);
 * 9. `queue`: priority, a cap per hotkey and in all (429);
 * 10. `handler`: the forward, bounded by the request's timeout (408).
 *
 * Where it is stricter than Python's axon, it stays compatible with every
 * SDK since 7.2: it refuses a missing signature (bittensor#3392), a version
 * below 7.2.0, a nonce far in the future, a replay, a tampered body, and it
 * bounds the forward by the dendrite's timeout.
 *
 * @example
 * ```ts
 * const axon = new BittensorAxon({
 *   hotkey,
 *   routes: [axonRoute(Echo, ({ text }) => ({ out: text.toUpperCase() }))],
 * });
 * const server = await axon.serve({ port: 8091, host: '0.0.0.0' });
 * ```
 */
export class BittensorAxon implements CarriedHandler {
  /** The axon's hotkey address (SS58, prefix 42). */
  readonly address: string;
  readonly bodyLimitBytes: number;
  readonly #options: BittensorAxonOptions;
  readonly #routes = new Map<string, AxonRoute>();
  readonly #stages: readonly Stage<Exchange>[];
  readonly #now: () => bigint;
  readonly #replay: ReplayGuard;
  readonly #rateLimiter: RateLimiter;
  readonly #queue: SenderQueue;
  readonly #responses: Record<string, number> = {};
  readonly #latency = new LatencyHistogram();
  readonly #inFlight = new Set<Promise<WireAnswer>>();
  readonly #logger: MtLogger;
  #closing = false;

  constructor(options: BittensorAxonOptions) {
    this.#options = options;
    this.address = options.hotkey.address;
    this.bodyLimitBytes = options.bodyLimitBytes ?? 8 * 1024 * 1024;
    this.#now = options.now ?? nowNs;
    this.#logger = options.logger ?? silentLogger;
    for (const route of [axonRoute(PING, () => ({})), ...options.routes])
      this.#routes.set(route.synapse.name, route);
    const maxTimeoutMs = options.maxTimeoutMs ?? 60_000;
    const maxFutureMs = options.maxFutureMs ?? 4_000;
    // A nonce stays acceptable from maxFutureMs ahead to 4 s + the longest timeout behind.
    this.#replay = new ReplayGuard({
      ttlMs: maxFutureMs + Number(ALLOWED_DELTA_NS / 1_000_000n) + maxTimeoutMs,
      ...options.replay,
    });
    this.#rateLimiter = new RateLimiter(options.rateLimit);
    this.#queue = new SenderQueue(options);
    this.#stages = this.#compose(maxTimeoutMs, maxFutureMs);
  }

  /** The stages every request passes, in order (see the class's description). */
  #compose(maxTimeoutMs: number, maxFutureMs: number): Stage<Exchange>[] {
    const options = this.#options;
    const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    const routes = this.#routes;
    return [
      {
        name: 'route',
        run: (x) => {
          const name = x.request.path.slice(1);
          const route = routes.get(name);
          if (route === undefined)
            throw refuse(
              404,
              'MT_WIRE_UNKNOWN_SYNAPSE',
              `Synapse name ${pythonStrRepr(name.slice(0, 64))} not found. Available synapses [${[...routes.keys()].map(pythonStrRepr).join(', ')}]`,
            );
          if (x.request.method !== 'POST' && x.request.method !== 'GET')
            throw refuse(405, 'MT_WIRE_METHOD', `use POST /${name}`);
          if (this.#closing) throw refuse(503, 'MT_WIRE_CLOSING', 'the axon is shutting down');
          x.route = route;
        },
      },
      { name: 'headers', run: (x) => readHeaders(x, maxTimeoutMs) },
      {
        name: 'blacklist',
        run: (x) => {
          const reason = options.blacklist?.(x.hotkey as string, x.route?.synapse.name as string);
          if (reason === undefined || reason === false) return;
          const why = typeof reason === 'string' ? reason : 'not served';
          throw refuse(403, 'MT_WIRE_BLACKLISTED', `Forbidden. Key is blacklisted: ${why}.`);
        },
      },
      {
        name: 'verify',
        run: (x) => {
          const message = this.#signedMessage(x, maxFutureMs);
          const signature = x.signature as string;
          const verifier = options.verifier;
          if (!verifier)
            return acceptSignature(
              x,
              message,
              sr25519SignatureRefusal(x.hotkey as string, message, signature),
            );
          return verifier
            .refusal(x.hotkey as string, message, signature)
            .then((refusal) => acceptSignature(x, message, refusal));
        },
      },
      {
        name: 'rate_limit',
        run: (x) => {
          const wait = this.#rateLimiter.take(x.sender as string);
          if (wait > 0)
            throw new WireReply(429, 'MT_WIRE_RATE_LIMITED', `${x.sender} is sending too fast`, {
              'retry-after': String(Math.ceil(wait)),
            });
        },
      },
      {
        name: 'parse',
        run: (x) => {
          const body = x.request.body as Uint8Array;
          try {
            const json = parsePythonJson(new TextDecoder('utf-8', { fatal: true }).decode(body), {
              maxDepth,
            });
            if (!(json instanceof Map))
              throw new SynapseFieldError('(body)', 'must be a JSON object');
            x.values = x.route?.synapse.read(json);
          } catch (error) {
            if (SynapseFieldError.isInstance(error))
              throw refuse(400, 'MT_WIRE_MALFORMED_BODY', error.message);
            if (error instanceof TypeError)
              throw refuse(400, 'MT_WIRE_MALFORMED_BODY', 'the body is not UTF-8');
            throw error;
          }
        },
      },
      {
        name: 'body_hash',
        run: (x) => {
          const hash = x.route?.synapse.hashValues(x.values as Map<string, PyValue>);
          if (hash !== x.bodyHash)
            throw refuse(
              400,
              'MT_WIRE_BODY_HASH',
              `the body's hash ${hash} is not the signed computed_body_hash ${x.bodyHash}: the body was changed on the way, or hashed over JSON rather than Python types`,
            );
        },
      },
      {
        // After the body hash, so a tampered copy that arrives first cannot use up the genuine request's nonce.
        name: 'replay',
        run: (x) => {
          try {
            this.#replay.remember(x.sender as string, x.nonceText as string);
          } catch (error) {
            if (EnvelopeRejectedError.isInstance(error) && error.code === 'MT_WIRE_NONCE_REPLAYED')
              throw notVerified('MT_WIRE_NONCE_REPLAYED', 'Nonce was used before (a replay)');
            if (EnvelopeRejectedError.isInstance(error))
              throw refuse(503, error.code, error.message);
            throw error;
          }
        },
      },
      { name: 'queue', run: (x) => this.#forward(x, maxTimeoutMs) },
    ];
  }

  /** The text the dendrite signed, once its nonce is inside the window around now. */
  #signedMessage(x: Exchange, maxFutureMs: number): string {
    const nonce = x.nonce as bigint;
    const now = this.#now();
    const window = ALLOWED_DELTA_NS + BigInt(Math.round(x.timeout * 1e9));
    if (nonce < now - window)
      throw notVerified(
        'MT_WIRE_NONCE_STALE',
        `Nonce is too old: acceptable delta is ${(Number(window) / 1e9).toFixed(2)} seconds but request was ${(Number(now - nonce) / 1e9).toFixed(2)} seconds old`,
      );
    if (nonce > now + BigInt(maxFutureMs) * 1_000_000n)
      throw notVerified(
        'MT_WIRE_NONCE_FUTURE',
        `Nonce is ${(Number(nonce - now) / 1e9).toFixed(2)} seconds in the future (at most ${maxFutureMs / 1000} s accepted): check the dendrite's clock`,
      );
    return `${x.nonceText}.${x.hotkey}.${this.address}.${x.uuid}.${x.bodyHash}`;
  }

  /** Queues the forward by priority, runs it until the dendrite's timeout, and answers. */
  async #forward(x: Exchange, maxTimeoutMs: number): Promise<void> {
    const sender = x.sender as string;
    const route = x.route as AxonRoute;
    const name = route.synapse.name;
    const budgetMs = Math.min(x.timeout * 1000, maxTimeoutMs);
    const controller = new AbortController();
    const timeoutText = `Response timeout after: ${pythonFloatRepr(x.timeout)}s`;
    const timer = setTimeout(
      () => controller.abort(refuse(408, 'MT_WIRE_DEADLINE_EXCEEDED', timeoutText)),
      budgetMs,
    );
    x.request.onGone?.(() =>
      controller.abort(refuse(499, 'MT_WIRE_CLIENT_GONE', 'the dendrite went away')),
    );
    const signal = controller.signal;
    const priority = this.#options.priority?.(sender, name) ?? 0;
    const context = () => ({
      hotkey: sender,
      synapse: name,
      deadline: Date.now() + budgetMs,
      signal,
    });
    const input = () => route.synapse.toValues(x.values as Map<string, PyValue>);
    if (route.stream) {
      // The queue slot is held until the stream ends, so streams count against the concurrency.
      let release!: () => void;
      const finished = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started!: (iterator: AsyncIterator<string | Uint8Array>) => void;
      const first = new Promise<AsyncIterator<string | Uint8Array>>((resolve) => {
        started = resolve;
      });
      const stream = route.stream;
      const running = this.#queue.run(sender, priority, signal, async () => {
        started(stream(input(), context())[Symbol.asyncIterator]());
        await finished;
      });
      let iterator: AsyncIterator<string | Uint8Array>;
      try {
        iterator = await Promise.race([first, running.then(() => first)]);
      } catch (error) {
        clearTimeout(timer);
        throw error;
      }
      running.catch(() => undefined);
      const end = () => {
        clearTimeout(timer);
        release();
      };
      x.answer = this.#streamAnswer(x, chunksOf(iterator, signal, end));
      return;
    }
    const forward = route.forward;
    if (forward === undefined) throw refuse(500, FORWARD_FAILED, 'the route answers nothing');
    try {
      const outputs = await this.#queue.run(sender, priority, signal, () =>
        raceWithSignal(
          Promise.resolve().then(() => forward(input(), context())),
          signal,
        ),
      );
      let filled: Map<string, PyValue>;
      try {
        filled = route.synapse.fromValues(outputs ?? {});
      } catch (error) {
        // The forward's own bug: the operator learns which field, the dendrite only that it failed.
        this.#logger.error(
          { err: error, synapse: name },
          'forward returned a value of the wrong type',
        );
        throw refuse(500, 'MT_WIRE_HANDLER_OUTPUT_INVALID', 'the axon could not answer');
      }
      for (const [field, value] of filled) x.values?.set(field, value);
      x.answer = this.#success(x);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A streaming synapse's answer: 200, `text/event-stream`, the synapse headers first, then the chunks. */
  #streamAnswer(x: Exchange, stream: AsyncIterable<Uint8Array>): WireAnswer {
    const headers = { ...this.#headers(x, 200, 'Success'), ...this.#echoed(x) };
    headers['content-type'] = 'text/event-stream';
    headers.bt_header_axon_process_time = pythonFloatRepr((performance.now() - x.started) / 1000);
    return { status: 200, headers, body: new Uint8Array(0), stream };
  }

  /** The request's dendrite headers and body hash, sent back as Python's axon does. */
  #echoed(x: Exchange): Record<string, string> {
    const headers: Record<string, string> = {};
    if (x.bodyHash) headers.computed_body_hash = x.bodyHash;
    for (const name of ['ip', 'version', 'nonce', 'uuid', 'hotkey', 'signature']) {
      const value = headerOf(x.request, `bt_header_dendrite_${name}`);
      if (value !== undefined) headers[`bt_header_dendrite_${name}`] = value;
    }
    return headers;
  }

  /** The whole synapse back, outputs filled, `axon.status_code` 200 in body and headers. */
  #success(x: Exchange): WireAnswer {
    const values = x.values as Map<string, PyValue>;
    const seconds = (performance.now() - x.started) / 1000;
    const axon = values.get('axon');
    const entries = axon?.t === 'dict' ? axon.entries : [];
    const set: Record<string, PyValue> = {
      status_code: { t: 'int', v: 200n },
      status_message: { t: 'str', v: 'Success' },
      process_time: { t: 'float', v: seconds },
    };
    values.set('axon', {
      t: 'dict',
      entries: entries.map(([key, value]) => [
        key,
        key.t === 'str' && Object.hasOwn(set, key.v) ? (set[key.v] as PyValue) : value,
      ]),
    });
    const body = pythonJsonDumps(
      { t: 'dict', entries: [...values].map(([k, v]) => [{ t: 'str', v: k }, v]) },
      { compact: true },
    );
    const headers = { ...this.#headers(x, 200, 'Success'), ...this.#echoed(x) };
    headers.bt_header_axon_process_time = pythonFloatRepr(seconds);
    return { status: 200, headers, body: Buffer.from(body) };
  }

  /** The headers of every answer: JSON, and the axon's status as the Python dendrite reads it. */
  #headers(x: Exchange, status: number, message: string): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      bt_header_axon_status_code: String(status),
      // A header carries Latin-1 only; the body's message is the whole one.
      bt_header_axon_status_message: message.replace(/[^\x20-\x7e]/g, '?').slice(0, 1024),
      bt_header_axon_hotkey: this.address,
    };
    if (x.route) headers.name = x.route.synapse.name;
    if (x.timeout > 0) headers.timeout = pythonFloatRepr(x.timeout);
    if (this.#closing) headers.connection = 'close';
    return headers;
  }

  async #serve(request: WireRequest): Promise<WireAnswer> {
    const x: Exchange = { request, started: performance.now(), timeout: 0, stage: 'body' };
    let answer: WireAnswer;
    let code: string | undefined;
    try {
      if (request.body instanceof WireReply) throw request.body;
      await runStages(this.#stages, x);
      x.stage = 'answered';
      answer = x.answer as WireAnswer;
      this.#latency.record(performance.now() - x.started);
    } catch (error) {
      const reply = toReply(error);
      if (reply.code === FORWARD_FAILED)
        this.#logger.error(
          { err: error, synapse: x.route?.synapse.name, stage: x.stage },
          'forward failed',
        );
      code = reply.code;
      const headers = { ...this.#headers(x, reply.status, reply.message), ...reply.headers };
      answer = {
        status: reply.status,
        headers,
        body: Buffer.from(JSON.stringify({ message: reply.message })),
      };
    }
    this.#report(x, answer.status, x.stage, code);
    return answer;
  }

  #report(x: Exchange, status: number, stage: WireStage, code: string | undefined): void {
    this.#responses[String(status)] = (this.#responses[String(status)] ?? 0) + 1;
    const event = {
      route: '/:synapse',
      status,
      durationMs: performance.now() - x.started,
      taskType: x.route?.synapse.name ?? 'unknown',
      stage,
      ...(code === undefined ? {} : { code }),
      ...(x.sender === undefined ? {} : { sender: x.sender }),
    };
    try {
      this.#options.observer?.response?.(event);
    } catch (error) {
      this.#logger.error({ err: error }, 'axon observer failed');
    }
    if (status >= 500) this.#logger.warn(event, 'request failed');
    else this.#logger.debug(event, 'request');
  }

  /** Every request but a page's goes the carrier's fast path. */
  takes(method: string, path: string): boolean {
    return !this.#page(method, path);
  }

  #page(method: string, path: string): PlainRoute | undefined {
    const pages = this.#options.pages;
    const key = `${method} ${path}`;
    return pages && Object.hasOwn(pages, key) ? pages[key] : undefined;
  }

  /** Answers a request whose body a carrier has read (within `bodyLimitBytes`). */
  handle(request: WireRequest): Promise<WireAnswer> {
    const serving = this.#serve(request);
    this.#inFlight.add(serving);
    const forget = () => this.#inFlight.delete(serving);
    serving.then(forget, forget);
    return serving;
  }

  /** Answers one request: the axon as a web-standard `fetch`. */
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const page = this.#page(request.method, url.pathname);
    if (page) return page(request);
    return responseOf(await this.handle(await wireRequestOf(request, this.bodyLimitBytes)));
  }

  /** Puts the axon on `node:http` (port 0 picks a free one), with the carrier's connection bounds. */
  serve(
    listen: { port?: number; host?: string } = {},
    carrier: CarrierOptions = {},
  ): Promise<CarriedServer> {
    return serveHandler(this, { logger: this.#options.logger, ...carrier }, listen);
  }

  /** Counts so far: responses by status, latency, the queue, the nonce memory. */
  metrics(): BittensorAxonMetrics {
    return {
      responses: { ...this.#responses },
      latency: this.#latency.snapshot(),
      queue: this.#queue.counts,
      replay: { senders: this.#replay.senders, nonces: this.#replay.size },
    };
  }

  /** Refuses new requests with 503 and resolves once those in flight are answered. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#inFlight]);
  }
}

/** The `verify` stage's verdict: the hotkey becomes the sender, or the request is refused with btwallet's words. */
function acceptSignature(x: Exchange, message: string, refusal: string | undefined): void {
  if (refusal !== undefined)
    throw notVerified(
      'MT_WIRE_BAD_SIGNATURE',
      refusal === 'Signature mismatch'
        ? `Signature mismatch with ${message} and ${x.signature}`
        : refusal,
    );
  x.sender = x.hotkey;
}

/** The `headers` stage: everything the signature covers, read once and checked for shape. */
function readHeaders(x: Exchange, maxTimeoutMs: number): void {
  const { request } = x;
  const timeoutText = headerOf(request, 'timeout');
  if (timeoutText !== undefined) {
    const timeout = /^\s*\+?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(timeoutText)
      ? Number(timeoutText)
      : Number.NaN;
    if (!(timeout > 0 && Number.isFinite(timeout)))
      throw refuse(
        400,
        'MT_WIRE_BAD_TIMEOUT',
        `the timeout header must be seconds above 0, not ${JSON.stringify(timeoutText.slice(0, 32))}`,
      );
    x.timeout = Math.min(timeout, maxTimeoutMs / 1000);
  } else x.timeout = Math.min(12, maxTimeoutMs / 1000);
  const hotkey = headerOf(request, 'bt_header_dendrite_hotkey');
  if (hotkey === undefined) throw notVerified('MT_WIRE_NO_HOTKEY', 'Missing dendrite hotkey');
  x.hotkey = hotkey;
  const nonce = headerOf(request, 'bt_header_dendrite_nonce');
  if (nonce === undefined) throw notVerified('MT_WIRE_NO_NONCE', 'Missing Nonce');
  if (!/^\d{1,30}$/.test(nonce))
    throw notVerified('MT_WIRE_BAD_NONCE', 'the nonce must be an integer of nanoseconds');
  x.nonce = BigInt(nonce);
  // Python signs and remembers the int, so "007" is 7: one text for the message and the replay memory.
  x.nonceText = x.nonce.toString();
  const version = headerOf(request, 'bt_header_dendrite_version');
  if (
    version === undefined ||
    !/^\d{1,12}$/.test(version) ||
    Number(version) < MIN_DENDRITE_VERSION
  )
    throw notVerified(
      'MT_WIRE_OLD_VERSION',
      `dendrite version ${JSON.stringify((version ?? 'missing').slice(0, 16))} is below ${MIN_DENDRITE_VERSION} (7.2.0), whose nonces have no time window; upgrade bittensor`,
    );
  const uuid = headerOf(request, 'bt_header_dendrite_uuid');
  if (uuid === undefined) throw notVerified('MT_WIRE_NO_UUID', 'Missing dendrite uuid');
  x.uuid = uuid;
  const signature = headerOf(request, 'bt_header_dendrite_signature');
  if (signature === undefined)
    throw notVerified('MT_WIRE_NO_SIGNATURE', 'Missing signature: every request must be signed');
  x.signature = signature;
  const bodyHash = headerOf(request, 'computed_body_hash');
  if (bodyHash === undefined || !/^[0-9a-f]{64}$/.test(bodyHash))
    throw refuse(
      400,
      'MT_WIRE_BAD_BODY_HASH',
      'computed_body_hash must be 64 lowercase hex characters',
    );
  x.bodyHash = bodyHash;
}

/**
 * A stream's chunks as bytes, until it ends or `signal` fires (then the
 * carrier cuts the connection: a cut stream must not pass for a whole one);
 * `end` runs once, however it stops.
 */
async function* chunksOf(
  iterator: AsyncIterator<string | Uint8Array>,
  signal: AbortSignal,
  end: () => void,
): AsyncGenerator<Uint8Array> {
  try {
    for (;;) {
      const { done, value } = await raceWithSignal(iterator.next(), signal);
      if (done) return;
      yield typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    }
  } finally {
    end();
    void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}

/** The code of a forward's own failure: answered with a generic message, logged in full. */
const FORWARD_FAILED = 'MT_WIRE_HANDLER_FAILED';

function toReply(error: unknown): WireReply {
  if (error instanceof WireReply) return error;
  // The subnet's own rules for the request: the dendrite is at fault, not the axon (as our miner's).
  if (TaskValidationError.isInstance(error))
    return refuse(422, 'MT_WIRE_INVALID_INPUT', error.message);
  return refuse(
    500,
    FORWARD_FAILED,
    'the axon could not answer this request; its operator has the details',
  );
}
