import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { EndpointPolicy } from '@mt/protocol';
import { guardedLookup, type WireFetch } from './guarded-fetch.js';

/** An answer as it came: its status, its headers with their names as sent, in order, and its body unread. */
export interface RawAnswer {
  status: number;
  headers: readonly (readonly [string, string])[];
  body: ReadableStream<Uint8Array> | null;
}

/** What a raw sender sends: a POST with headers in the order given. */
export interface RawSend {
  url: URL;
  headers: readonly (readonly [string, string])[];
  body: Uint8Array;
  signal: AbortSignal;
}

/** Sends one request and gives the answer as it came. */
export type RawSender = (send: RawSend) => Promise<RawAnswer>;

/**
 * The default raw sender: `node:http`, connecting only where the policy
 * allows (names resolved through the guarded lookup, so DNS rebinding
 * finds no way in), never following a redirect, never decompressing, and
 * keeping each header name's case as sent (Bittensor's dendrite reads
 * `bt_header_*` names case-sensitively, so a reader must see them as sent).
 */
export function nodeRawSender(policy: EndpointPolicy): RawSender {
  const lookup = guardedLookup(policy);
  return ({ url, headers, body, signal }) =>
    new Promise<RawAnswer>((resolve, reject) => {
      // Host first, as aiohttp sends it (with headers given as a list, Node adds none itself).
      const flat: string[] = ['Host', url.host];
      for (const [name, value] of headers) flat.push(name, value);
      flat.push('content-length', String(body.byteLength));
      const request = httpRequest(url, {
        method: 'POST',
        headers: flat,
        signal,
        lookup: lookup as never,
        // One request per connection: no pooled socket outlives a deadline.
        agent: false,
      });
      request.once('error', reject);
      request.once('response', (response) => {
        const pairs: [string, string][] = [];
        const raw = response.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2)
          pairs.push([raw[i] as string, raw[i + 1] as string]);
        resolve({
          status: response.statusCode ?? 0,
          headers: pairs,
          body: Readable.toWeb(response) as ReadableStream<Uint8Array>,
        });
      });
      request.end(body);
    });
}

/**
 * An injected `fetch` as a raw sender. The Fetch API gives header names in
 * lower case only, so through it a reader cannot tell `Bt_Header_…` from
 * `bt_header_…`; the default sender can.
 */
export function fetchRawSender(fetch: WireFetch): RawSender {
  return async ({ url, headers, body, signal }) => {
    const response = await fetch(
      new Request(url, {
        method: 'POST',
        headers: headers.map(([name, value]) => [name, value] as [string, string]),
        body,
        signal,
        redirect: 'manual',
      }),
    );
    return { status: response.status, headers: [...response.headers], body: response.body };
  };
}
