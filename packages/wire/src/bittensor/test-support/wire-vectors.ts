import { readFileSync } from 'node:fs';
import { axonRoute, axonStreamRoute, BittensorAxon, type BittensorAxonOptions } from '../axon.js';
import { py } from '../python-types.js';
import { Sr25519Hotkey } from '../sr25519.js';
import { defineSynapse } from '../synapse.js';

// The synapses, keys and captures of the measured Bittensor v10.2.0 wire
// (copied from the shared reference data; see its README for how they were made).

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as unknown;

/** A request as captured on the wire: headers in wire order and case. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: [string, string][];
  body: string;
}

/** A response as captured: status, headers, body. */
export interface CapturedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/** One capture of `requests.json`. */
export interface RequestCapture {
  id: string;
  timeout: number;
  request: CapturedRequest;
  signed_message: string;
  signature: string;
  nonce: string;
  pin_clock_ns: string;
  real_axon_response: CapturedResponse;
  python_dendrite_result: { is_success: boolean; outputs: Record<string, unknown> };
}

/** One case of `axon-responses.json`: steps sent in order to one axon. */
export interface AxonCase {
  id: string;
  what: string;
  observed_status: number[];
  steps: { request: CapturedRequest; sent_time_ns: string; response: CapturedResponse }[];
}

/** One case of `dendrite-reads.json`. */
export interface DendriteReadCase {
  id: string;
  what: string;
  dendrite_timeout: number;
  response_bytes: string | { length: number; prefix: string; suffix: string } | null;
  result: {
    is_success: boolean;
    is_timeout: boolean;
    dendrite_status_code: number | null;
    dendrite_status_message: string | null;
    axon_status_code: number | null;
    outputs: Record<string, unknown>;
  };
}

export const requestCaptures = load('requests.json') as {
  keys: Record<'dendrite' | 'axon', { seed: string; ss58: string }>;
  cases: RequestCapture[];
};
export const axonCases = load('axon-responses.json') as {
  keys: Record<string, { seed: string; ss58: string }>;
  cases: AxonCase[];
};
export const dendriteReads = load('dendrite-reads.json') as { cases: DendriteReadCase[] };
export const streaming = load('streaming.json') as {
  capture: RequestCapture & { real_axon_response: { chunks: string[]; raw_chunked_body: string } };
  refused_stream_request: { request: CapturedRequest; response: CapturedResponse };
};

/** The key of a role in the captures (`dendrite`, `axon`, `other`, `victim`, `blacklisted`). */
export function keyOf(role: string): Sr25519Hotkey {
  const seed = axonCases.keys[role]?.seed;
  if (seed === undefined) throw new Error(`no key for ${role}`);
  return Sr25519Hotkey.fromSeed(Buffer.from(seed.slice(2), 'hex'));
}

/** `class Echo(Synapse)` of the captures. */
export const Echo = defineSynapse({
  name: 'Echo',
  fields: {
    text: py.str,
    xs: { type: py.list(py.float), default: [] },
    meta: { type: py.dict(py.str, py.int), default: {} },
    out: { type: py.optional(py.str), default: null },
  },
  requiredHashFields: ['text', 'xs', 'meta'],
});

/** `class NoHash(Synapse)`: nothing of its body is signed. */
export const NoHash = defineSynapse({
  name: 'NoHash',
  fields: { query: py.str, answer: { type: py.optional(py.str), default: null } },
});

/** `class StreamEcho(StreamingSynapse)`: the axon streams each word of `prompt` and a newline. */
export const StreamEcho = defineSynapse({
  name: 'StreamEcho',
  fields: { prompt: py.str, completion: { type: py.str, default: '' } },
  requiredHashFields: ['prompt'],
});

/**
 * The captured axon, in TypeScript: Echo upper-cases (`sleep:N` sleeps
 * first), NoHash answers `re: `, StreamEcho streams each word.
 */
export function capturedAxon(options: Partial<BittensorAxonOptions> = {}): BittensorAxon {
  const blacklisted = axonCases.keys.blacklisted?.ss58;
  return new BittensorAxon({
    hotkey: keyOf('axon'),
    routes: [
      axonRoute(Echo, async ({ text }, { signal }) => {
        const sleep = /^sleep:(\d+)$/.exec(text);
        if (sleep)
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, Number(sleep[1]) * 1000);
            signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
          });
        return { out: text.toUpperCase() };
      }),
      axonRoute(NoHash, ({ query }) => ({ answer: `re: ${query}` })),
      axonStreamRoute(StreamEcho, async function* ({ prompt }) {
        for (const word of prompt.split(' ')) yield `${word}\n`;
      }),
    ],
    blacklist: (hotkey) => (hotkey === blacklisted ? 'hotkey not registered' : undefined),
    ...options,
  });
}

/** A captured request handed to an axon as a carrier would: header names looked up lowercase. */
export function replay(axon: BittensorAxon, request: CapturedRequest) {
  const headers = new Map(request.headers.map(([name, value]) => [name.toLowerCase(), value]));
  return axon.handle({
    method: request.method,
    path: request.path,
    header: (name) => headers.get(name),
    body: Buffer.from(request.body),
  });
}
