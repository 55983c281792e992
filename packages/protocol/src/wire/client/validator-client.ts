import PQueue from 'p-queue';
import type { z } from 'zod';
import { describeCause, EnvelopeRejectedError } from '../../errors.js';
import type { JsonValue } from '../../schemas/json-value.js';
import { envelopeHeaders } from '../envelope/headers.js';
import { signEnvelope } from '../envelope/sign-envelope.js';
import { verifyEnvelope } from '../envelope/verify-envelope.js';
import type { Hotkey } from '../keys/hotkey.js';
import { taskPath } from '../server/miner-server.js';

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
 * - `timeout`: no answer within the per-call timeout.
 * - `refused`: no connection (refused, reset, unreachable).
 * - `bad_signature`: an answer that failed verification (unsigned, signed by
 *   someone else, for someone else, for another request, tampered, stale).
 * - `bad_schema`: a verified answer whose result did not match the schema.
 * - `rejected`: the miner answered with an error status (`httpStatus`, `code`).
 * - `aborted`: the caller's signal fired.
 */
export type QueryStatus =
  | 'ok'
  | 'timeout'
  | 'refused'
  | 'bad_signature'
  | 'bad_schema'
  | 'rejected'
  | 'aborted';

/** The outcome of one miner's query. */
export interface QueryOutcome<T> {
  miner: MinerEndpoint;
  status: QueryStatus;
  latencyMs: number;
  /** The verified, schema-checked result when `status` is `ok`. */
  result?: T;
  httpStatus?: number;
  /** A stable code: the miner's error code, or the verification failure. */
  code?: string;
  message?: string;
}

/** Options of {@link ValidatorClient}. */
export interface ValidatorClientOptions {
  hotkey: Hotkey;
  /** Per-call timeout, in ms. Default 12 s. */
  timeoutMs?: number;
  /** Calls in flight at once across a fan-out. Default 64. */
  concurrency?: number;
  /** Accepted clock difference on answers, ±ms. Default 30 s. */
  timestampWindowMs?: number;
}

/** Options of one {@link ValidatorClient.query}. */
export interface QueryOptions<S extends z.ZodType> {
  /** Schema the miner's `result` must match; without one it is returned as JSON. */
  responseSchema?: S;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * The validator side of the wire (the Dendrite equivalent): fans one task out
 * to many miners with a per-call timeout and a concurrency limit, signs each
 * request for its miner, and accepts only answers that the same miner signed
 * for this validator and this very request.
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
  readonly #windowMs: number;
  readonly #queue: PQueue;

  constructor(options: ValidatorClientOptions) {
    this.#key = options.hotkey;
    this.#timeoutMs = options.timeoutMs ?? 12_000;
    this.#windowMs = options.timestampWindowMs ?? 30_000;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 64 });
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

  async #call<S extends z.ZodType>(
    miner: MinerEndpoint,
    taskType: string,
    body: Buffer,
    options: QueryOptions<S>,
  ): Promise<QueryOutcome<z.output<S>>> {
    const started = performance.now();
    const done = (outcome: Omit<QueryOutcome<z.output<S>>, 'miner' | 'latencyMs'>) => ({
      miner,
      latencyMs: performance.now() - started,
      ...outcome,
    });
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    const path = taskPath(taskType);
    const headers = signEnvelope({
      key: this.#key,
      kind: 'request',
      target: `POST ${path}`,
      receiver: miner.address,
      body,
    });

    let response: Response;
    let answer: Uint8Array;
    try {
      response = await fetch(new URL(path, miner.url), {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
        signal,
      });
      answer = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      if (timeout.aborted)
        return done({ status: 'timeout', message: `no answer within ${timeoutMs} ms` });
      if (options.signal?.aborted)
        return done({ status: 'aborted', message: describeCause(options.signal.reason) });
      return done({ status: 'refused', message: describeCause((error as Error).cause ?? error) });
    }

    const unsigned = response.headers.get(envelopeHeaders.signature) === null;
    if (!response.ok && unsigned) {
      // The miner refused before it knew who we were (bad signature, too large, ...).
      return done({ status: 'rejected', httpStatus: response.status, ...errorFields(answer) });
    }
    try {
      verifyEnvelope({
        header: (name) => response.headers.get(name) ?? undefined,
        body: answer,
        kind: 'response',
        target: `POST ${path}`,
        receiver: this.#key.address,
        sender: miner.address,
        requestNonce: headers[envelopeHeaders.nonce] ?? '',
        windowMs: this.#windowMs,
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
    if (!response.ok)
      return done({ status: 'rejected', httpStatus: response.status, ...errorFields(answer) });

    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(answer).toString('utf8'));
    } catch (error) {
      return done({
        status: 'bad_schema',
        httpStatus: response.status,
        message: `the answer is not JSON: ${describeCause(error)}`,
      });
    }
    if (typeof payload !== 'object' || payload === null || !('result' in payload)) {
      return done({
        status: 'bad_schema',
        httpStatus: response.status,
        message: 'the answer has no result field',
      });
    }
    const result = (payload as { result: unknown }).result;
    if (!options.responseSchema)
      return done({ status: 'ok', httpStatus: response.status, result: result as z.output<S> });
    const parsed = options.responseSchema.safeParse(result);
    if (!parsed.success) {
      const issues = parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || '(result)'}: ${issue.message}`,
      );
      return done({
        status: 'bad_schema',
        httpStatus: response.status,
        message: issues.join('; '),
      });
    }
    return done({ status: 'ok', httpStatus: response.status, result: parsed.data });
  }
}

function errorFields(answer: Uint8Array): { code?: string; message?: string } {
  try {
    const body = JSON.parse(Buffer.from(answer).toString('utf8')) as {
      error?: { code?: unknown; message?: unknown };
    };
    return {
      ...(typeof body.error?.code === 'string' ? { code: body.error.code } : {}),
      ...(typeof body.error?.message === 'string' ? { message: body.error.message } : {}),
    };
  } catch {
    // A refusal whose body is not our JSON keeps only its HTTP status.
    return {};
  }
}
