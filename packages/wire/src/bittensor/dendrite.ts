import { randomUUID } from 'node:crypto';
import { checkEndpointHost, DEFAULT_MAX_JSON_DEPTH, EndpointRefusedError } from '@mt/protocol';
import PQueue from 'p-queue';
import { endpointRefusalIn, type WireFetch } from '../http/guarded-fetch.js';
import {
  fetchRawSender,
  nodeRawSender,
  type RawAnswer,
  type RawSender,
} from '../http/raw-sender.js';
import { readBounded } from '../http/read-body.js';
import { WireReply } from '../http/wire-request.js';
import { SynapseFieldError } from './errors.js';
import { type PyJson, PyNumber, parsePythonJson } from './python-json.js';
import { pythonFloatRepr, pythonJsonDumps } from './python-str.js';
import { coercePython, jsToPyJson, type PyValue } from './python-types.js';
import { type Sr25519Hotkey, ss58Decode, ss58Encode } from './sr25519.js';
import {
  SYNAPSE_BASE_FIELDS,
  type SynapseDeclaration,
  type SynapseFields,
  type SynapseInputOf,
  type SynapseValues,
  terminalInfo,
} from './synapse.js';
import { nowNs } from './wire-clock.js';

/** The wire version this dendrite speaks and announces: bittensor 10.2.0's, as `version_as_int`. */
export const BITTENSOR_WIRE_VERSION = 10_002_000;

/** An axon as the chain's axon info gives it. */
export interface AxonInfo {
  ip: string;
  port: number;
  /** The miner's hotkey (SS58 at any prefix; the wire signs over prefix 42). */
  hotkey: string;
}

/** Options of {@link BittensorDendrite}. */
export interface BittensorDendriteOptions {
  /** The validator's hotkey, which signs every request. */
  hotkey: Sr25519Hotkey;
  /**
   * Sends requests instead of the default `node:http` sender (for tests, or
   * a proxy). Through `fetch` header names arrive in lower case, so a
   * capitalized `Bt_Header_Axon_Status_Code` counts, where Python's dendrite
   * and the default sender ignore it.
   */
  fetch?: WireFetch;
  /** Lets requests reach loopback and private addresses (a local network). Default false. */
  allowPrivateEndpoints?: boolean;
  /** The ip this dendrite tells axons it has (`bt_header_dendrite_ip`). Default `0.0.0.0`. */
  externalIp?: string;
  /** The version announced (`bt_header_dendrite_version`). Default 10002000, as bittensor v10.2.0. */
  version?: number;
  /** Largest answer read, in bytes; past it the call fails with 413. Default 32 MiB. */
  maxResponseBytes?: number;
  /** Deepest JSON nesting read from an answer. Default 64. */
  maxJsonDepth?: number;
  /** Calls in flight at once over `query`. Default 64. */
  concurrency?: number;
  /** Wall clock in ns since the epoch: nonces are these. Default: the system clock. */
  now?: () => bigint;
}

/** Options of a streaming call: a call's, and the stream's bounds. */
export interface DendriteStreamOptions extends DendriteCallOptions {
  /** The largest piece read at once, in bytes. Default 1 MiB. */
  maxChunkBytes?: number;
}

/** A streaming call: its chunks as they arrive (`for await`), then its `result`. */
export type SynapseStream<R> = AsyncGenerator<Uint8Array, void, undefined> & {
  /** How the call ended, once the chunks are read (or the stream refused). */
  readonly result: Promise<R>;
};

/** Options of one call. */
export interface DendriteCallOptions {
  /** Seconds the axon has to answer (the `timeout` it is told, and this call's deadline). Default 12. */
  timeout?: number;
  /** Stops the call early. */
  signal?: AbortSignal;
}

/**
 * What a call came to, read as Python's dendrite reads it: `isSuccess` is
 * its `is_success` (the status is 200 after the axon's body and headers
 * are merged), `values` the synapse after that merge (the outputs filled
 * when the axon answered with them).
 */
export interface SynapseResult<F extends SynapseFields = SynapseFields> {
  isSuccess: boolean;
  isTimeout: boolean;
  /** `dendrite.status_code`: the axon's status, or the transport's (408, 503, 422, ...). */
  statusCode: number | null;
  statusMessage: string | null;
  /** The axon's own account, as merged. */
  axon: { statusCode: number | null; statusMessage: string | null; processTime: number | null };
  /** The synapse's fields after the call: what was sent, and what the axon filled. */
  values: SynapseValues<F>;
  /** Seconds from sending to the answer read. */
  elapsed: number;
}

/** The result of a call with a declared synapse, e.g. `SynapseResultOf<typeof Echo>`. */
export type SynapseResultOf<S> =
  S extends SynapseDeclaration<infer F extends SynapseFields> ? SynapseResult<F> : never;

/** A request sent and its answer's head arrived: what reading the rest needs. */
interface Opened {
  answer: RawAnswer;
  /** The synapse as sent, merged with the answer as it is read. */
  local: Map<string, PyValue>;
  /** The call's deadline (and the caller's signal). */
  signal: AbortSignal;
  finish: (status: number | null, message: string | null) => SynapseResult;
  /** A failure while reading, as Python's dendrite reports it. */
  failure: (error: unknown) => SynapseResult;
  /** Stops the call's timer. */
  close: () => void;
}

/** Python's default for a failure it has no mapping for (`DENDRITE_DEFAULT_ERROR`). */
const PARSE_FAILED = 422;

/**
 * Bittensor's dendrite (the validator's side of the v10 Synapse wire): its
 * requests are the Python dendrite's, byte for byte but for the nonce, the
 * uuid and the randomized signature, and it reads answers exactly as
 * Python's does, so a TypeScript validator scores a miner as a Python one
 * would. Every answer is bounded: its size, its JSON depth, the call's
 * timeout; redirects are not followed, nothing is decompressed, and only
 * public addresses are reached unless `allowPrivateEndpoints` says so.
 * Failures come back as results with the status codes Python uses (408 for
 * a timeout, 503 for a refused or dropped connection, 422 for an answer it
 * cannot read), never as exceptions.
 *
 * @example
 * ```ts
 * const dendrite = new BittensorDendrite({ hotkey });
 * const [result] = await dendrite.query([{ ip, port, hotkey: minerHotkey }], Echo, { text: 'hi' });
 * if (result?.isSuccess) console.log(result.values.out);
 * ```
 */
export class BittensorDendrite {
  readonly #key: Sr25519Hotkey;
  readonly #send: RawSender;
  readonly #allowPrivate: boolean;
  readonly #ip: string;
  readonly #version: number;
  readonly #maxBytes: number;
  readonly #maxDepth: number;
  readonly #queue: PQueue;
  readonly #now: () => bigint;
  /** One uuid per dendrite, as Python's. */
  readonly uuid = randomUUID();
  #lastNonce = 0n;

  constructor(options: BittensorDendriteOptions) {
    this.#key = options.hotkey;
    this.#allowPrivate = options.allowPrivateEndpoints ?? false;
    this.#send = options.fetch
      ? fetchRawSender(options.fetch)
      : nodeRawSender({ allowPrivate: this.#allowPrivate });
    this.#ip = options.externalIp ?? '0.0.0.0';
    this.#version = options.version ?? BITTENSOR_WIRE_VERSION;
    this.#maxBytes = options.maxResponseBytes ?? 32 * 1024 * 1024;
    this.#maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? 64 });
    this.#now = options.now ?? nowNs;
  }

  /** The dendrite's hotkey address (SS58, prefix 42). */
  get address(): string {
    return this.#key.address;
  }

  /** Calls every axon with the same input, at most `concurrency` at once; one result per axon, in order. */
  query<S extends SynapseDeclaration>(
    axons: readonly AxonInfo[],
    synapse: S,
    input: SynapseInputOf<S>,
    options: DendriteCallOptions = {},
  ): Promise<SynapseResultOf<S>[]> {
    return Promise.all(
      axons.map(
        async (axon) =>
          (await this.#queue.add(() =>
            this.call(axon, synapse, input, options),
          )) as SynapseResultOf<S>,
      ),
    );
  }

  /**
   * One signed request to one axon. Throws only for inputs that do not fit
   * the synapse's types (`SynapseFieldError`); everything the axon or the
   * network does is a result.
   */
  call<S extends SynapseDeclaration>(
    axon: AxonInfo,
    synapse: S,
    input: SynapseInputOf<S>,
    options: DendriteCallOptions = {},
  ): Promise<SynapseResultOf<S>> {
    return this.#call(axon, synapse, input as Record<string, unknown>, options) as Promise<
      SynapseResultOf<S>
    >;
  }

  async #call(
    axon: AxonInfo,
    synapse: SynapseDeclaration,
    input: Record<string, unknown>,
    options: DendriteCallOptions,
  ): Promise<SynapseResult> {
    const opened = await this.#open(axon, synapse, input, options);
    if ('result' in opened) return opened.result;
    try {
      return await this.#readWhole(synapse, opened);
    } finally {
      opened.close();
    }
  }

  /** An answer read whole (bounded, within the call's time), then as Python's dendrite reads it. */
  async #readWhole(synapse: SynapseDeclaration, opened: Opened): Promise<SynapseResult> {
    const { answer } = opened;
    let text: string;
    try {
      const length = headerIn(answer.headers, 'content-length');
      text = Buffer.from(
        await readBounded(answer.body, this.#maxBytes, length, opened.signal),
      ).toString('utf8');
    } catch (error) {
      return opened.failure(error);
    }
    return this.#read(synapse, opened.local, answer.status, answer.headers, text, opened.finish);
  }

  /**
   * A streaming synapse's call (Python's `call_stream`): the chunks as they
   * arrive, each at most `maxChunkBytes` and all together at most
   * `maxResponseBytes`, the whole stream within the timeout; then `result`,
   * read as Python's dendrite reads a stream's end (its status from the
   * answer's headers). An answer that is not a stream (a refusal) yields no
   * chunk and is read as an ordinary answer.
   *
   * @example
   * ```ts
   * const call = dendrite.stream(axon, StreamPrompting, { prompt: 'hi' });
   * for await (const chunk of call) process.stdout.write(chunk);
   * const { isSuccess } = await call.result;
   * ```
   */
  stream<S extends SynapseDeclaration>(
    axon: AxonInfo,
    synapse: S,
    input: SynapseInputOf<S>,
    options: DendriteStreamOptions = {},
  ): SynapseStream<SynapseResultOf<S>> {
    let settle!: (result: SynapseResult) => void;
    const result = new Promise<SynapseResult>((resolve) => {
      settle = resolve;
    });
    const chunks = this.#stream(axon, synapse, input as Record<string, unknown>, options, settle);
    return Object.assign(chunks, { result: result as Promise<SynapseResultOf<S>> });
  }

  async *#stream(
    axon: AxonInfo,
    synapse: SynapseDeclaration,
    input: Record<string, unknown>,
    options: DendriteStreamOptions,
    settle: (result: SynapseResult) => void,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    const opened = await this.#open(axon, synapse, input, options);
    if ('result' in opened) {
      settle(opened.result);
      return;
    }
    const { answer, finish } = opened;
    const maxChunk = options.maxChunkBytes ?? 1024 * 1024;
    try {
      const type = headerIn(answer.headers, 'content-type') ?? '';
      if (answer.status !== 200 || !type.toLowerCase().startsWith('text/event-stream')) {
        // A refusal, or no stream: read as any answer.
        settle(await this.#readWhole(synapse, opened));
        return;
      }
      const reader = answer.body?.getReader();
      let total = 0;
      try {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) break;
          total += value.byteLength;
          if (value.byteLength > maxChunk || total > this.#maxBytes) {
            await reader?.cancel().catch(() => undefined);
            settle(
              finish(
                413,
                `the stream passed its bounds (a chunk ≤ ${maxChunk} bytes, ${this.#maxBytes} in all)`,
              ),
            );
            return;
          }
          yield value;
        }
      } catch (error) {
        settle(opened.failure(error));
        return;
      }
      // Python's stream ends with the synapse built from the answer's headers.
      settle(this.#readHeaders(opened.local, answer.headers, finish));
    } finally {
      opened.close();
    }
  }

  /** Builds, signs and sends a request; a result already when it failed before an answer. */
  async #open(
    axon: AxonInfo,
    synapse: SynapseDeclaration,
    input: Record<string, unknown>,
    options: DendriteCallOptions,
  ): Promise<{ result: SynapseResult } | Opened> {
    const timeout = options.timeout ?? 12;
    const request = this.#build(axon, synapse, input, timeout);
    const local = new Map(request.values);
    const started = performance.now();
    const finish = (status: number | null, message: string | null) =>
      result(synapse, request.values, local, status, message, (performance.now() - started) / 1000);

    let url: URL;
    try {
      const host = axon.ip.includes(':') ? `[${axon.ip}]` : axon.ip;
      url = new URL(`http://${host}:${axon.port}/${synapse.name}`);
      checkEndpointHost(url, { allowPrivate: this.#allowPrivate });
    } catch (error) {
      if (EndpointRefusedError.isInstance(error))
        return { result: finish(503, `Endpoint refused: ${error.message}`) };
      return {
        result: finish(
          503,
          `Service unavailable at ${axon.ip}:${axon.port}/${synapse.name}: not an address`,
        ),
      };
    }

    // One deadline for the whole exchange: sending, the answer's headers, and its body.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout * 1000);
    const signal = options.signal
      ? AbortSignal.any([options.signal, controller.signal])
      : controller.signal;
    const failure = (error: unknown): SynapseResult => {
      if (controller.signal.aborted)
        return finish(408, `Request timeout after ${pythonFloatRepr(timeout)} seconds`);
      if (options.signal?.aborted) return finish(408, 'Request cancelled by the caller');
      if (error instanceof WireReply && error.code === 'MT_WIRE_BODY_TOO_LARGE')
        return finish(413, `the answer is larger than ${this.#maxBytes} bytes`);
      const endpoint = endpointRefusalIn(error);
      if (endpoint) return finish(503, `Endpoint refused: ${endpoint.message}`);
      return finish(...transportFailure(error, axon, synapse.name));
    };
    const close = () => clearTimeout(timer);
    let answer: RawAnswer;
    try {
      answer = await this.#send({ url, headers: request.headers, body: request.body, signal });
    } catch (error) {
      close();
      return { result: failure(error) };
    }
    const refusal = refuseBeforeReading(answer.headers);
    if (refusal) {
      close();
      await answer.body?.cancel().catch(() => undefined);
      return { result: finish(refusal.status, refusal.message) };
    }
    return { answer, local, signal, finish, failure, close };
  }

  /** The request Python's dendrite sends for the same inputs: headers in its order, its JSON body. */
  #build(
    axon: AxonInfo,
    synapse: SynapseDeclaration,
    input: Record<string, unknown>,
    timeout: number,
  ): { headers: [string, string][]; body: Uint8Array; values: Map<string, PyValue> } {
    if (!(timeout > 0 && Number.isFinite(timeout)))
      throw new SynapseFieldError('timeout', 'must be seconds above 0');
    const now = this.#now();
    // Strictly increasing, so two calls in one clock tick are not a replay of each other.
    const nonce = now > this.#lastNonce ? now : this.#lastNonce + 1n;
    this.#lastNonce = nonce;
    const axonHotkey = ss58Encode(ss58Decode(axon.hotkey).publicKey);
    const json = new Map<string, PyJson>();
    for (const [name, value] of Object.entries(input)) json.set(name, jsToPyJson(value, name));
    const terminal = (fields: Record<string, PyJson>) => new Map(Object.entries(fields));
    json.set('name', synapse.name);
    json.set('timeout', new PyNumber(pythonFloatRepr(timeout)));
    json.set('total_size', new PyNumber('0'));
    json.set('header_size', new PyNumber('0'));
    json.set(
      'axon',
      terminal({ ip: axon.ip, port: new PyNumber(String(axon.port)), hotkey: axonHotkey }),
    );
    json.set('computed_body_hash', '');
    // Read once; the dendrite terminal (which holds the signature) is set after the hash it signs.
    const values = synapse.read(json);
    const bodyHash = synapse.hashValues(values);
    const uuid = this.uuid;
    const signature = this.#key.sign(`${nonce}.${this.address}.${axonHotkey}.${uuid}.${bodyHash}`);
    const dendrite = terminal({
      ip: this.#ip,
      version: new PyNumber(String(this.#version)),
      nonce: new PyNumber(nonce.toString()),
      uuid,
      hotkey: this.address,
      signature,
    });
    values.set('dendrite', coercePython(SYNAPSE_BASE_FIELDS.dendrite.type, dendrite, 'dendrite'));
    const headers: [string, string][] = [
      ['name', synapse.name],
      ['timeout', pythonFloatRepr(timeout)],
      ['bt_header_axon_ip', axon.ip],
      ['bt_header_axon_port', String(axon.port)],
      ['bt_header_axon_hotkey', axonHotkey],
      ['bt_header_dendrite_ip', this.#ip],
      ['bt_header_dendrite_version', String(this.#version)],
      ['bt_header_dendrite_nonce', nonce.toString()],
      ['bt_header_dendrite_uuid', uuid],
      ['bt_header_dendrite_hotkey', this.address],
      ['bt_header_dendrite_signature', signature],
    ];
    // Python's axon rebuilds the synapse from headers first, with an empty value for each field
    // that has no default, and answers 500 without them.
    for (const [name, field] of Object.entries(synapse.fields))
      if (field.default === undefined)
        headers.push([
          `bt_header_input_obj_${name}`,
          Buffer.from(emptyOf(values.get(name), name)).toString('base64'),
        ]);
    headers.push(['header_size', '0'], ['total_size', '0'], ['computed_body_hash', bodyHash]);
    headers.push(['content-type', 'application/json']);
    const body = pythonJsonDumps({
      t: 'dict',
      entries: [...values].map(([k, v]) => [{ t: 'str', v: k }, v]),
    });
    return { headers, body: Buffer.from(body), values };
  }

  /** Python's `process_server_response`, then its header merge. */
  #read(
    synapse: SynapseDeclaration,
    local: Map<string, PyValue>,
    status: number,
    headers: readonly (readonly [string, string])[],
    text: string,
    finish: (status: number | null, message: string | null) => SynapseResult,
  ): SynapseResult {
    const failed = (problem: string) =>
      finish(PARSE_FAILED, `Failed to parse response: ${problem}`);
    const type = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    if (type.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json')
      return failed(`${status}, unexpected mimetype: ${type.slice(0, 64)}`);
    let json: PyJson;
    try {
      json = parsePythonJson(text, { maxDepth: this.#maxDepth });
      if (status === 200) {
        // The answer is read as the synapse class reads it, then every field is taken from it.
        if (!(json instanceof Map)) throw new SynapseFieldError('(body)', 'must be a JSON object');
        for (const [name, value] of synapse.read(json)) local.set(name, value);
      } else {
        const message = json instanceof Map ? json.get('message') : undefined;
        mergeTerminal(local, 'axon', {
          status_code: { t: 'int', v: BigInt(status) },
          status_message: typeof message === 'string' ? { t: 'str', v: message } : { t: 'none' },
        });
      }
    } catch (error) {
      if (!SynapseFieldError.isInstance(error)) throw error;
      return failed(error.message);
    }
    return this.#readHeaders(local, headers, finish);
  }

  /**
   * `Synapse.from_headers` and the merge after it: header names matched
   * exactly (Python's dendrite is case-sensitive here), each value read as
   * its terminal field's type, what is not None winning; the status is then
   * the axon's.
   */
  #readHeaders(
    local: Map<string, PyValue>,
    headers: readonly (readonly [string, string])[],
    finish: (status: number | null, message: string | null) => SynapseResult,
  ): SynapseResult {
    try {
      for (const which of ['axon', 'dendrite'] as const) {
        const prefix = `bt_header_${which}_`;
        const updates: Record<string, PyValue> = {};
        for (const [name, value] of headers) {
          if (!name.startsWith(prefix)) continue;
          const field = name.slice(prefix.length);
          const fieldType = Object.hasOwn(terminalInfo.fields, field)
            ? terminalInfo.fields[field as keyof typeof terminalInfo.fields]
            : undefined;
          if (fieldType === undefined) continue;
          const read = coercePython(fieldType, value, `${which}.${field}`);
          if (read.t !== 'none') updates[field] = read;
        }
        mergeTerminal(local, which, updates);
      }
    } catch (error) {
      if (!SynapseFieldError.isInstance(error)) throw error;
      return finish(PARSE_FAILED, `Failed to parse response: ${error.message}`);
    }
    const axon = terminalOf(local.get('axon'));
    return finish(axon.status_code, axon.status_message);
  }
}

/** A header's value by name, in any case (for the HTTP headers, not Bittensor's). */
function headerIn(
  headers: readonly (readonly [string, string])[],
  name: string,
): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Sets some fields of a terminal (`axon`, `dendrite`) of a synapse's values, keeping the others. */
function mergeTerminal(
  local: Map<string, PyValue>,
  which: 'axon' | 'dendrite',
  updates: Record<string, PyValue>,
): void {
  const current = local.get(which);
  const entries = current?.t === 'dict' ? current.entries : [];
  local.set(which, {
    t: 'dict',
    entries: entries.map(([key, value]) => [
      key,
      key.t === 'str' && Object.hasOwn(updates, key.v) ? (updates[key.v] as PyValue) : value,
    ]),
  });
}

/** The status and time of a terminal (`axon`, `dendrite`) read back. */
function terminalOf(value: PyValue | undefined): {
  status_code: number | null;
  status_message: string | null;
  process_time: number | null;
} {
  const fields = new Map(
    value?.t === 'dict' ? value.entries.map(([k, v]) => [k.t === 'str' ? k.v : '', v]) : [],
  );
  const code = fields.get('status_code');
  const message = fields.get('status_message');
  const time = fields.get('process_time');
  return {
    status_code: code?.t === 'int' ? Number(code.v) : null,
    status_message: message?.t === 'str' ? message.v : null,
    process_time: time?.t === 'float' ? time.v : null,
  };
}

/** The JSON of `type(value)()`: the empty value Python's dendrite puts in `bt_header_input_obj_*`. */
function emptyOf(value: PyValue | undefined, name: string): string {
  switch (value?.t) {
    case 'str':
      return '""';
    case 'int':
      return '0';
    case 'float':
      return '0.0';
    case 'bool':
      return 'false';
    case 'none':
      return 'null';
    case 'list':
    case 'tuple':
      return '[]';
    case 'dict':
      return '{}';
    default:
      throw new SynapseFieldError(
        name,
        `Python's dendrite cannot send a field of this type without a default (${value?.t}); give it one`,
      );
  }
}

/** A redirect or an encoded body, refused before a byte of it is read. */
function refuseBeforeReading(
  headers: readonly (readonly [string, string])[],
): { status: number; message: string } | undefined {
  const encoding = headers.find(([name]) => name.toLowerCase() === 'content-encoding')?.[1];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity')
    return {
      status: PARSE_FAILED,
      message: `the answer is ${encoding.slice(0, 32)}-encoded; nothing is decompressed`,
    };
  // aiohttp's limit on one header line: past it Python's dendrite fails with 400.
  const long = headers.find(([name, value]) => name.length + value.length > 8190);
  if (long)
    return {
      status: 400,
      message: `Client response error: header ${long[0].slice(0, 64)} is too long`,
    };
  return undefined;
}

/** A failure before an answer, as Python's dendrite maps it. */
function transportFailure(error: unknown, axon: AxonInfo, name: string): [number, string] {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause; depth += 1) {
    const code = (cause as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND')
      return [503, `Service unavailable at ${axon.ip}:${axon.port}/${name}`];
    if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE')
      return [503, 'Service disconnected: Server disconnected'];
    if (code === 'HPE_HEADER_OVERFLOW' || code === 'UND_ERR_HEADERS_OVERFLOW')
      return [400, 'Client response error: the headers are too long'];
    cause = (cause as { cause?: unknown }).cause;
  }
  return [PARSE_FAILED, `Failed to parse response: ${(error as Error).message ?? String(error)}`];
}

/**
 * The result of a call: the synapse as merged (or as sent, when the merged
 * one holds a value the typed side cannot), its status as `dendrite.status_code`.
 */
function result<F extends SynapseFields>(
  synapse: SynapseDeclaration<F>,
  sent: Map<string, PyValue>,
  local: Map<string, PyValue>,
  status: number | null,
  message: string | null,
  elapsed: number,
): SynapseResult<F> {
  let values: SynapseValues<F>;
  try {
    values = synapse.toValues(local);
  } catch (error) {
    if (!SynapseFieldError.isInstance(error) || local === sent) throw error;
    return result(
      synapse,
      sent,
      sent,
      PARSE_FAILED,
      `Failed to parse response: ${error.message}`,
      elapsed,
    );
  }
  const axon = terminalOf(local.get('axon'));
  return {
    isSuccess: status === 200,
    isTimeout: status === 408,
    statusCode: status,
    statusMessage: message,
    axon: {
      statusCode: axon.status_code,
      statusMessage: axon.status_message,
      processTime: axon.process_time,
    },
    values,
    elapsed,
  };
}
