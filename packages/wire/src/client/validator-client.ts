import {
  checkEndpointHost,
  DEFAULT_MAX_JSON_DEPTH,
  describeCause,
  EndpointRefusedError,
  formatIssues,
  JsonParseError,
  type JsonValue,
  MtError,
  parseJson,
  parseWith,
  SchemaValidationError,
} from '@mt/protocol';
import PQueue from 'p-queue';
import { z } from 'zod';
import { envelopeHeaders, taskPath } from '../envelope/headers.js';
import { signEnvelopeOn, verifyEnvelopeOn } from '../envelope/pooled-envelope.js';
import { EnvelopeRejectedError } from '../errors.js';
import {
  endpointRefusalIn,
  fromFetch,
  guardedSender,
  type WireFetch,
  type WireSender,
} from '../http/guarded-fetch.js';
import { readBounded } from '../http/read-body.js';
import { WireReply } from '../http/wire-request.js';
import type { Hotkey } from '../keys/hotkey.js';
import type { SignerPool } from '../keys/signer-pool.js';

/** A miner to query: its address (who must sign the answer) and where it listens. */
export interface MinerEndpoint {
  address: string;
  /** Base URL, e.g. `http://127.0.0.1:8091`. */
  url: string;
}

/**
 * How a query to one miner ended. Every failure is a status, never a thrown
 * error, so one bad miner cannot break a fan-out.
 *
 * - `ok`: a verified answer that matched the response schema.
 * - `timeout`: no answer by the deadline (plus the margin), or the miner's
 *   own signed 504 saying the deadline passed.
 * - `refused`: no connection (refused, reset, unreachable), or an endpoint
 *   this validator does not send to (`code` `MT_ENDPOINT_REFUSED`).
 * - `bad_signature`: an answer that failed verification (unsigned, signed by
 *   someone else, for someone else, for another request, tampered, stale).
 * - `bad_response`: an answer refused before it was trusted: larger than the
 *   limit, compressed, a redirect, nested too deep, or not JSON (`code` says which).
 * - `bad_schema`: a verified answer whose result did not match the schema.
 * - `rejected`: the miner answered with an error status (`httpStatus`, `code`;
 *   `message` only when the miner signed the answer, so an unsigned error
 *   page from whatever listens there is never echoed).
 * - `aborted`: the caller's signal fired.
 */
export type QueryStatus =
  | 'ok'
  | 'timeout'
  | 'refused'
  | 'bad_signature'
  | 'bad_response'
  | 'bad_schema'
  | 'rejected'
  | 'aborted';

/** The outcome of one miner's query. */
export interface QueryOutcome<T> {
  miner: MinerEndpoint;
  status: QueryStatus;
  /** From sending the request to the verified answer, measured here: the only latency to score. */
  latencyMs: number;
  /** The verified, schema-checked result when `status` is `ok`. */
  result?: T;
  httpStatus?: number;
  /** A stable code: the miner's error code, or why its answer was refused. */
  code?: string;
  message?: string;
}

/** Options of {@link ValidatorClient}. */
export interface ValidatorClientOptions {
  hotkey: Hotkey;
  /** Default time a miner has per call, in ms (a query's `timeoutMs` overrides it). Default 12 s. */
  timeoutMs?: number;
  /**
   * Extra time waited past the deadline, in ms, so the miner's own answer
   * that the deadline passed arrives rather than a bare timeout. Default 500.
   */
  marginMs?: number;
  /** Calls in flight at once across a fan-out. Default 64. */
  concurrency?: number;
  /** Accepted clock difference on answers, ±ms. Default 30 s. */
  timestampWindowMs?: number;
  /** Largest answer read, in bytes; a larger one is cut off unread. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Deepest JSON nesting accepted in an answer. Default 64. */
  maxJsonDepth?: number;
  /**
   * Also query miners on loopback, private and carrier-grade NAT addresses
   * (a network on one machine or a LAN, such as the demo). Off by default:
   * a miner publishes its own endpoint, and must not aim this validator at
   * its neighbours. Link-local, unspecified, multicast and reserved
   * addresses and port 0 are refused either way.
   */
  allowPrivateEndpoints?: boolean;
  /**
   * The `fetch` to send with (a test's in-memory handler, a proxy's). Default:
   * undici's, checking every address a host name resolves to when it
   * connects. An injected `fetch` does its own resolving: only IP literals
   * are checked for it.
   */
  fetch?: WireFetch;
  /** Wall clock in ms since the epoch, for timestamps and deadlines. Default `Date.now`. */
  now?: () => number;
  /**
   * Signs requests and verifies answers with libsodium on worker threads
   * instead of `node:crypto` on the event loop; see `SignerPool`. The caller
   * owns the pool (and closes it). Default: inline.
   */
  signer?: SignerPool;
}

/** Options of one {@link ValidatorClient.query}. */
export interface QueryOptions<S extends z.ZodType> {
  /** Schema the miner's `result` must match; without one it is returned as JSON. */
  responseSchema?: S;
  /** Time each miner has, in ms: signed into the request as its deadline. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Characters kept of a message a miner wrote itself (it is shown to people, not trusted). */
/** A miner's success body: the result is checked against the caller's schema, if any. */
const answerSchema = z.looseObject({ result: z.unknown() });
/** A miner's error body: its code and message are shown, trimmed, and never trusted. */
const errorBodySchema = z.looseObject({
  error: z
    .looseObject({ code: z.unknown().optional(), message: z.unknown().optional() })
    .optional(),
});

const PEER_MESSAGE_CHARS = 300;

/** The shape of an error code worth passing on from an unsigned answer. */
const WIRE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The validator side of the wire (the Dendrite equivalent): fans one task out
 * to many miners with a deadline and a concurrency limit, signs each request
 * for its miner, and accepts only answers that the same miner signed for this
 * validator and this very request.
 *
 * Each answer is bounded before it is read (size, no decompression, no
 * redirects, the deadline), verified, then parsed once with a depth limit
 * and checked against the schema: a hostile miner gets a status, never the
 * validator's memory or stack.
 *
 * @example
 * ```ts
 * const client = new ValidatorClient({ hotkey });
 * const outcomes = await client.query(miners, 'echo', { text: 'hi' }, { responseSchema: z.object({ text: z.string() }) });
 * outcomes.filter((o) => o.status === 'ok');
 * ```
 */
export class ValidatorClient {
  readonly #key: Hotkey;
  readonly #timeoutMs: number;
  readonly #marginMs: number;
  readonly #windowMs: number;
  readonly #maxBytes: number;
  readonly #maxDepth: number;
  readonly #queue: PQueue;
  readonly #send: WireSender;
  readonly #now: () => number;
  readonly #signer: SignerPool | undefined;
  readonly #allowPrivate: boolean;

  constructor(options: ValidatorClientOptions) {
    this.#key = options.hotkey;
    this.#timeoutMs = options.timeoutMs ?? 12_000;
    this.#marginMs = options.marginMs ?? 500;
    this.#windowMs = options.timestampWindowMs ?? 30_000;
    this.#maxBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.#maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 64 });
    this.#allowPrivate = options.allowPrivateEndpoints ?? false;
    this.#send = options.fetch
      ? fromFetch(options.fetch)
      : guardedSender({ allowPrivate: this.#allowPrivate });
    this.#now = options.now ?? Date.now;
    this.#signer = options.signer;
  }

  /** Time waited past a call's deadline for the miner's own word that it passed, in ms. */
  get marginMs(): number {
    return this.#marginMs;
  }

  /** The client's own address, which miners see as the sender. */
  get address(): string {
    return this.#key.address;
  }

  /** Sends `input` as task `taskType` to every miner; resolves with one outcome per miner, in order. */
  query<S extends z.ZodType = z.ZodType<JsonValue>>(
    miners: readonly MinerEndpoint[],
    taskType: string,
    input: JsonValue,
    options: QueryOptions<S> = {},
  ): Promise<QueryOutcome<z.output<S>>[]> {
    const body = Buffer.from(JSON.stringify(input));
    return Promise.all(
      miners.map(async (miner) => {
        const outcome = await this.#queue.add(() => this.#call(miner, taskType, body, options));
        return outcome as QueryOutcome<z.output<S>>;
      }),
    );
  }

  /**
   * One miner's call, settled by its deadline plus the margin whatever the
   * socket does: the whole exchange (connect, headers, body) is raced
   * against a timer held here, and everything still running is aborted when
   * the race ends, the body stream included. (A timeout signal attached to a
   * `Request` alone is held only weakly by Node's fetch, and after a garbage
   * collection it never fired.)
   */
  async #call<S extends z.ZodType>(
    miner: MinerEndpoint,
    taskType: string,
    body: Buffer,
    options: QueryOptions<S>,
  ): Promise<QueryOutcome<z.output<S>>> {
    const started = performance.now();
    type Fields = Omit<QueryOutcome<z.output<S>>, 'miner' | 'latencyMs'>;
    const done = (outcome: Fields): QueryOutcome<z.output<S>> => ({
      miner,
      latencyMs: performance.now() - started,
      ...outcome,
    });
    const caller = options.signal;
    if (caller?.aborted) return done({ status: 'aborted', message: describeCause(caller.reason) });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const controller = new AbortController();
    const abort = () => controller.abort(caller?.reason);
    caller?.addEventListener('abort', abort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = new Promise<QueryOutcome<z.output<S>>>((resolve) => {
      timer = setTimeout(
        () => resolve(done({ status: 'timeout', message: `no answer within ${timeoutMs} ms` })),
        timeoutMs + this.#marginMs,
      );
      controller.signal.addEventListener(
        'abort',
        () => resolve(done({ status: 'aborted', message: describeCause(caller?.reason) })),
        { once: true },
      );
    });
    const exchange = this.#exchange(
      miner,
      taskType,
      body,
      options,
      timeoutMs,
      controller.signal,
      done,
    );
    // Once the race is lost, what the exchange still does is aborted and ignored.
    exchange.catch(() => undefined);
    try {
      return await Promise.race([exchange, ended]);
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', abort);
      controller.abort(new MtError('MT_WIRE_CALL_OVER', 'the call is over'));
    }
  }

  async #exchange<S extends z.ZodType>(
    miner: MinerEndpoint,
    taskType: string,
    body: Buffer,
    options: QueryOptions<S>,
    timeoutMs: number,
    signal: AbortSignal,
    done: (
      outcome: Omit<QueryOutcome<z.output<S>>, 'miner' | 'latencyMs'>,
    ) => QueryOutcome<z.output<S>>,
  ): Promise<QueryOutcome<z.output<S>>> {
    const deadline = this.#now() + timeoutMs;
    const path = taskPath(taskType);
    let url: URL;
    try {
      url = new URL(path, miner.url);
      checkEndpointHost(url, { allowPrivate: this.#allowPrivate });
    } catch (error) {
      const refusal = EndpointRefusedError.isInstance(error) ? error : undefined;
      return done({
        status: 'refused',
        code: refusal?.code ?? 'MT_ENDPOINT_REFUSED',
        message: refusal?.message ?? `${JSON.stringify(miner.url.slice(0, 80))} is not a URL`,
      });
    }
    const headers = await signEnvelopeOn(this.#signer, {
      key: this.#key,
      kind: 'request',
      target: `POST ${path}`,
      receiver: miner.address,
      body,
      deadline,
    });

    let response: Response;
    let answer: Uint8Array;
    try {
      // Never redirected (a miner's redirect would send this request anywhere), never decompressed.
      response = await this.#send({
        url,
        headers: { ...headers, 'content-type': 'application/json', 'accept-encoding': 'identity' },
        body,
        signal,
      });
      const refusal = refuseBeforeReading(response);
      if (refusal) {
        await response.body?.cancel().catch(() => undefined);
        return done({ status: 'bad_response', httpStatus: response.status, ...refusal });
      }
      answer = await readBounded(
        response.body,
        this.#maxBytes,
        response.headers.get('content-length'),
        signal,
      );
    } catch (error) {
      if (error instanceof WireReply && error.code === 'MT_WIRE_BODY_TOO_LARGE')
        return done({
          status: 'bad_response',
          code: 'MT_WIRE_RESPONSE_TOO_LARGE',
          message: `the answer is larger than ${this.#maxBytes} bytes`,
        });
      const endpoint = endpointRefusalIn(error);
      if (endpoint)
        return done({ status: 'refused', code: endpoint.code, message: endpoint.message });
      return done({ status: 'refused', message: describeCause((error as Error).cause ?? error) });
    }

    const unsigned = response.headers.get(envelopeHeaders.signature) === null;
    if (!response.ok && unsigned) {
      // The miner refused before it knew who we were (bad signature, too large, ...), or
      // something else answers at that address: its words are nobody's, so only the
      // status and a well-formed code go on to rounds, logs and dashboards.
      const { code } = this.#errorFields(answer);
      return done({
        status: 'rejected',
        httpStatus: response.status,
        ...(code !== undefined && WIRE_CODE.test(code) ? { code } : {}),
      });
    }
    try {
      await verifyEnvelopeOn(this.#signer, {
        header: (name) => response.headers.get(name),
        body: answer,
        kind: 'response',
        target: `POST ${path}`,
        receiver: this.#key.address,
        sender: miner.address,
        requestNonce: headers[envelopeHeaders.nonce] ?? '',
        windowMs: this.#windowMs,
        now: this.#now(),
      });
    } catch (error) {
      if (!EnvelopeRejectedError.isInstance(error)) throw error;
      return done({
        status: 'bad_signature',
        httpStatus: response.status,
        code: error.code,
        message: error.message,
      });
    }
    if (!response.ok) {
      const fields = this.#errorFields(answer);
      const status = fields.code === 'MT_WIRE_DEADLINE_EXCEEDED' ? 'timeout' : 'rejected';
      return done({ status, httpStatus: response.status, ...fields });
    }

    let result: unknown;
    try {
      ({ result } = parseJson(answer, answerSchema, { maxDepth: this.#maxDepth }));
    } catch (error) {
      if (SchemaValidationError.isInstance(error))
        return done({
          status: 'bad_schema',
          httpStatus: response.status,
          message: 'the answer has no result field',
        });
      if (!JsonParseError.isInstance(error)) throw error;
      return done({
        status: 'bad_response',
        httpStatus: response.status,
        code: error.code,
        message: error.message,
      });
    }
    if (!options.responseSchema)
      return done({ status: 'ok', httpStatus: response.status, result: result as z.output<S> });
    try {
      const parsed = parseWith('result', options.responseSchema, result);
      return done({ status: 'ok', httpStatus: response.status, result: parsed });
    } catch (error) {
      if (!SchemaValidationError.isInstance(error)) throw error;
      return done({
        status: 'bad_schema',
        httpStatus: response.status,
        message: formatIssues(error.issues, '(result)'),
      });
    }
  }

  /** The code and message of a miner's error body, bounded and trimmed: shown, never trusted. */
  #errorFields(answer: Uint8Array): { code?: string; message?: string } {
    let fields: z.output<typeof errorBodySchema>['error'];
    try {
      fields = parseJson(answer, errorBodySchema, { maxDepth: this.#maxDepth }).error;
    } catch (error) {
      if (JsonParseError.isInstance(error) || SchemaValidationError.isInstance(error)) return {};
      throw error;
    }
    const text = (value: unknown) =>
      typeof value === 'string' ? value.slice(0, PEER_MESSAGE_CHARS) : undefined;
    const code = text(fields?.code);
    const message = text(fields?.message);
    return {
      ...(code === undefined ? {} : { code }),
      ...(message === undefined ? {} : { message }),
    };
  }
}

/** Why an answer is refused from its status and headers alone, before any of its body is read. */
function refuseBeforeReading(response: Response): { code: string; message: string } | undefined {
  if (response.status >= 300 && response.status < 400) {
    return {
      code: 'MT_WIRE_REDIRECT_REFUSED',
      message: `the miner answered ${response.status} (a redirect); validators do not follow them`,
    };
  }
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') {
    return {
      code: 'MT_WIRE_RESPONSE_ENCODED',
      message: `the answer is ${encoding}-encoded; validators read only plain bodies (nothing is decompressed)`,
    };
  }
  return undefined;
}
