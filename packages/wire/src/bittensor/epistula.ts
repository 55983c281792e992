import { createHash, randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_JSON_DEPTH,
  JsonParseError,
  type JsonValue,
  jsonValueSchema,
  parseJson,
  raceWithSignal,
  silentLogger,
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
import { responseOf, wireRequestOf } from '../http/web-standard.js';
import { type WireAnswer, WireReply, type WireRequest } from '../http/wire-request.js';
import { RateLimiter } from '../server/rate-limiter.js';
import { SenderQueue, type ServerBounds } from '../server/sender-queue.js';
import { runStages, type Stage } from '../server/stages.js';
import { type Sr25519Hotkey, sr25519SignatureRefusal } from './sr25519.js';

/** The Epistula version this speaks: 2, the signed-HTTP convention of newer subnets. */
export const EPISTULA_VERSION = '2';

/** Epistula's headers, as its reference implementation names them. */
export const epistulaHeaders = {
  version: 'Epistula-Version',
  timestamp: 'Epistula-Timestamp',
  uuid: 'Epistula-Uuid',
  signedBy: 'Epistula-Signed-By',
  signedFor: 'Epistula-Signed-For',
  signature: 'Epistula-Request-Signature',
} as const;

/** The text Epistula signs: `sha256(body).uuid.timestamp.signed_for` (`signed_for` empty when none). */
export function epistulaMessage(
  body: Uint8Array,
  uuid: string,
  timestamp: string,
  signedFor: string,
): string {
  return `${createHash('sha256').update(body).digest('hex')}.${uuid}.${timestamp}.${signedFor}`;
}

/**
 * Epistula's headers for a body: version 2, the time in ms, a fresh uuid,
 * the signer and (when given) the receiver, and the sr25519 signature.
 *
 * @example
 * ```ts
 * const headers = epistulaSign(hotkey, body, { signedFor: minerHotkey });
 * await fetch(url, { method: 'POST', headers, body });
 * ```
 */
export function epistulaSign(
  hotkey: Sr25519Hotkey,
  body: Uint8Array,
  options: { signedFor?: string; now?: number; uuid?: string } = {},
): Record<string, string> {
  const timestamp = String(Math.round(options.now ?? Date.now()));
  const uuid = options.uuid ?? randomUUID();
  const signedFor = options.signedFor ?? '';
  const headers: Record<string, string> = {
    [epistulaHeaders.version]: EPISTULA_VERSION,
    [epistulaHeaders.timestamp]: timestamp,
    [epistulaHeaders.uuid]: uuid,
    [epistulaHeaders.signedBy]: hotkey.address,
    [epistulaHeaders.signature]: hotkey.sign(epistulaMessage(body, uuid, timestamp, signedFor)),
  };
  if (signedFor !== '') headers[epistulaHeaders.signedFor] = signedFor;
  return headers;
}

/** What a verified Epistula request says of itself. */
export interface EpistulaSender {
  /** The signer's SS58 address, its signature verified. */
  signedBy: string;
  uuid: string;
  /** Milliseconds since the epoch, as signed. */
  timestamp: number;
}

/** Options of {@link epistulaVerify}. */
export interface EpistulaVerifyOptions {
  /** This side's address: a request must be signed for it. */
  receiver: string;
  /** How old a request may be, in ms. Default 8 s (the reference implementation's). */
  allowedDeltaMs?: number;
  /** How far ahead of this clock a request may be, in ms. Default 2 s; the reference accepts any. */
  maxFutureMs?: number;
  /** Now, in ms since the epoch. Default `Date.now()`. */
  now?: number;
}

/**
 * Checks an Epistula request: the version, a uuid, a timestamp inside the
 * window (and not ahead of it, which the reference implementation lets
 * through), signed for this receiver (which the reference leaves optional:
 * a request signed for nobody could be sent to anyone), and the sr25519
 * signature over the body's hash.
 *
 * @throws WireReply 400 or 401 saying which check failed.
 */
export function epistulaVerify(
  header: (name: string) => string | null | undefined,
  body: Uint8Array,
  options: EpistulaVerifyOptions,
): EpistulaSender {
  const read = (name: string) => {
    const value = header(name.toLowerCase());
    return value === null || value === undefined || value === '' ? undefined : value;
  };
  const refused = (code: string, message: string) => new WireReply(401, code, message);
  if (read(epistulaHeaders.version) !== EPISTULA_VERSION)
    throw new WireReply(
      400,
      'MT_WIRE_EPISTULA_VERSION',
      `${epistulaHeaders.version} must be ${EPISTULA_VERSION}`,
    );
  const uuid = read(epistulaHeaders.uuid);
  if (uuid === undefined || !/^[0-9a-fA-F-]{36}$/.test(uuid))
    throw new WireReply(400, 'MT_WIRE_EPISTULA_UUID', `${epistulaHeaders.uuid} must be a uuid`);
  const timestampText = read(epistulaHeaders.timestamp);
  if (timestampText === undefined || !/^\d{1,16}$/.test(timestampText))
    throw new WireReply(
      400,
      'MT_WIRE_EPISTULA_TIMESTAMP',
      `${epistulaHeaders.timestamp} must be milliseconds`,
    );
  const timestamp = Number(timestampText);
  const now = options.now ?? Date.now();
  if (timestamp + (options.allowedDeltaMs ?? 8_000) < now)
    throw refused('MT_WIRE_EPISTULA_STALE', 'Request is too stale');
  if (timestamp > now + (options.maxFutureMs ?? 2_000))
    throw refused('MT_WIRE_EPISTULA_FUTURE', 'Request is from the future: check the sender clock');
  const signedFor = read(epistulaHeaders.signedFor);
  if (signedFor !== options.receiver)
    throw refused(
      'MT_WIRE_EPISTULA_NOT_FOR_US',
      `the request must be signed for ${options.receiver}`,
    );
  const signedBy = read(epistulaHeaders.signedBy);
  const signature = read(epistulaHeaders.signature);
  if (signedBy === undefined || signature === undefined)
    throw refused('MT_WIRE_EPISTULA_UNSIGNED', 'the request must be signed');
  const refusal = sr25519SignatureRefusal(
    signedBy,
    epistulaMessage(body, uuid, timestampText, signedFor),
    signature,
  );
  if (refusal !== undefined) throw refused('MT_WIRE_EPISTULA_SIGNATURE', refusal);
  return { signedBy, uuid, timestamp };
}

/** What an Epistula route is told. */
export interface EpistulaContext extends EpistulaSender {
  /** Fires at `maxTaskMs` or when the client goes: stop the work. */
  signal: AbortSignal;
}

/** An Epistula route: the JSON body in, JSON out. */
export type EpistulaRoute = (
  body: JsonValue,
  context: EpistulaContext,
) => JsonValue | Promise<JsonValue>;

/** Options of {@link createEpistulaHandler}. */
export interface EpistulaHandlerOptions extends ServerBounds {
  /** This side's hotkey: requests must be signed for its address. */
  hotkey: Sr25519Hotkey;
  /** Routes by `POST` path, e.g. `{ '/score': (body) => … }`. */
  routes: Record<string, EpistulaRoute>;
  /** Called with the verified signer; a reason (or `true`) refuses it with 403. */
  blacklist?: (signedBy: string, path: string) => boolean | string | undefined;
  /** Higher runs sooner; called with the verified signer. */
  priority?: (signedBy: string, path: string) => number;
  /** Largest body, in bytes. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** The longest a route runs, in ms. Default 60 s. */
  maxTaskMs?: number;
  /** The signature window (see {@link epistulaVerify}). */
  allowedDeltaMs?: number;
  maxFutureMs?: number;
  /** Now, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** An Epistula server: the same carried handler shape as our miner's and the axon's. */
export interface EpistulaHandler extends CarriedHandler {
  /** Puts it on `node:http` through the shared carrier. */
  serve(
    listen?: { port?: number; host?: string },
    carrier?: CarrierOptions,
  ): Promise<CarriedServer>;
}

/**
 * Epistula as a server, built as the axon is: a web-standard handler whose
 * stages are one list (route, verify, blacklist, rate limit, replay, parse,
 * queue, handler), each refusing with its own status and code, served by the
 * shared carrier. Replays are refused by uuid, remembered per signer.
 *
 * @example
 * ```ts
 * const handler = createEpistulaHandler({ hotkey, routes: { '/echo': (body) => body } });
 * await handler.serve({ port: 8091 });
 * ```
 */
export function createEpistulaHandler(options: EpistulaHandlerOptions): EpistulaHandler {
  const now = options.now ?? Date.now;
  const allowedDeltaMs = options.allowedDeltaMs ?? 8_000;
  const maxFutureMs = options.maxFutureMs ?? 2_000;
  const replay = new ReplayGuard({ ttlMs: allowedDeltaMs + maxFutureMs, ...options.replay });
  const limiter = new RateLimiter(options.rateLimit);
  const queue = new SenderQueue(options);
  const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const maxTaskMs = options.maxTaskMs ?? 60_000;
  const logger = options.logger ?? silentLogger;
  const bodyLimitBytes = options.bodyLimitBytes ?? 1024 * 1024;
  const inFlight = new Set<Promise<WireAnswer>>();
  let closing = false;

  interface Exchange {
    request: WireRequest;
    stage: WireStage;
    route?: EpistulaRoute;
    sender?: EpistulaSender;
    body?: JsonValue;
    output?: JsonValue;
  }
  const stages: Stage<Exchange>[] = [
    {
      name: 'route',
      run: (x) => {
        const route = Object.hasOwn(options.routes, x.request.path)
          ? options.routes[x.request.path]
          : undefined;
        if (route === undefined || x.request.method !== 'POST')
          throw new WireReply(
            404,
            'MT_WIRE_NOT_FOUND',
            `no route ${x.request.method} ${x.request.path}`,
          );
        if (closing) throw new WireReply(503, 'MT_WIRE_CLOSING', 'the server is shutting down');
        x.route = route;
      },
    },
    {
      name: 'verify',
      run: (x) => {
        x.sender = epistulaVerify(x.request.header, x.request.body as Uint8Array, {
          receiver: options.hotkey.address,
          allowedDeltaMs,
          maxFutureMs,
          now: now(),
        });
      },
    },
    {
      name: 'blacklist',
      run: (x) => {
        const reason = options.blacklist?.(x.sender?.signedBy as string, x.request.path);
        if (reason === undefined || reason === false) return;
        throw new WireReply(
          403,
          'MT_WIRE_BLACKLISTED',
          typeof reason === 'string' ? reason : 'not served',
        );
      },
    },
    {
      name: 'rate_limit',
      run: (x) => {
        const wait = limiter.take(x.sender?.signedBy as string);
        if (wait > 0)
          throw new WireReply(429, 'MT_WIRE_RATE_LIMITED', 'sending too fast', {
            'retry-after': String(Math.ceil(wait)),
          });
      },
    },
    {
      name: 'replay',
      run: (x) => {
        try {
          replay.remember(x.sender?.signedBy as string, x.sender?.uuid as string);
        } catch (error) {
          if (!EnvelopeRejectedError.isInstance(error)) throw error;
          throw new WireReply(
            error.code === 'MT_WIRE_NONCE_REPLAYED' ? 401 : 503,
            error.code,
            error.message,
          );
        }
      },
    },
    {
      name: 'parse',
      run: (x) => {
        try {
          x.body = parseJson(x.request.body as Uint8Array, jsonValueSchema, {
            maxDepth,
            typeName: 'body',
          });
        } catch (error) {
          if (JsonParseError.isInstance(error))
            throw new WireReply(400, 'MT_WIRE_MALFORMED_JSON', error.message);
          throw error;
        }
      },
    },
    {
      name: 'queue',
      run: async (x) => {
        const sender = x.sender as EpistulaSender;
        const route = x.route as EpistulaRoute;
        const controller = new AbortController();
        const timer = setTimeout(
          () =>
            controller.abort(
              new WireReply(504, 'MT_WIRE_DEADLINE_EXCEEDED', `no answer within ${maxTaskMs} ms`),
            ),
          maxTaskMs,
        );
        x.request.onGone?.(() =>
          controller.abort(new WireReply(499, 'MT_WIRE_CLIENT_GONE', 'the client went away')),
        );
        const signal = controller.signal;
        try {
          x.output = await queue.run(
            sender.signedBy,
            options.priority?.(sender.signedBy, x.request.path) ?? 0,
            signal,
            () =>
              raceWithSignal(
                Promise.resolve().then(() => route(x.body as JsonValue, { ...sender, signal })),
                signal,
              ),
          );
        } finally {
          clearTimeout(timer);
        }
      },
    },
  ];

  async function serve(request: WireRequest): Promise<WireAnswer> {
    const x: Exchange = { request, stage: 'body' };
    try {
      if (request.body instanceof WireReply) throw request.body;
      await runStages(stages, x);
      return {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(x.output ?? null)),
      };
    } catch (error) {
      let reply: WireReply;
      if (error instanceof WireReply) reply = error;
      else {
        logger.error({ err: error, path: request.path, stage: x.stage }, 'epistula route failed');
        reply = new WireReply(
          500,
          'MT_WIRE_HANDLER_FAILED',
          'the route failed; its operator has the details',
        );
      }
      return {
        status: reply.status,
        headers: { 'content-type': 'application/json', ...reply.headers },
        body: Buffer.from(JSON.stringify(reply.toBody())),
      };
    }
  }

  const handler: EpistulaHandler = {
    bodyLimitBytes,
    takes: () => true,
    handle(request) {
      const serving = serve(request);
      inFlight.add(serving);
      const forget = () => inFlight.delete(serving);
      serving.then(forget, forget);
      return serving;
    },
    async fetch(request) {
      return responseOf(await handler.handle(await wireRequestOf(request, bodyLimitBytes)));
    },
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
    },
    serve: (listen = {}, carrier = {}) =>
      serveHandler(handler, { logger: options.logger, ...carrier }, listen),
  };
  return handler;
}
