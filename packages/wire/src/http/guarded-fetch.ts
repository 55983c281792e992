import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { addressRefusal, type EndpointPolicy, EndpointRefusedError } from '@mt/protocol';
import { Agent, fetch as undiciFetch } from 'undici';

/** How the validator client sends a request: the global `fetch`'s shape, injectable. */
export type WireFetch = (request: Request) => Promise<Response>;

/** What the client sends: a POST of a body it already holds, never redirected. */
export interface WireSend {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
  signal: AbortSignal;
}

/** Sends one request: the default sender, or an injected `fetch` behind {@link fromFetch}. */
export type WireSender = (send: WireSend) => Promise<Response>;

/** An injected `fetch` as a sender: the request is built for it. */
export function fromFetch(fetch: WireFetch): WireSender {
  return ({ url, headers, body, signal }) =>
    fetch(new Request(url, { method: 'POST', headers, body, signal, redirect: 'manual' }));
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A DNS lookup that refuses, at connect time, any address the policy refuses:
 * a miner's host name that resolves (or re-resolves, as in DNS rebinding) to
 * loopback or the metadata service is never connected to.
 */
export function guardedLookup(policy: EndpointPolicy) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      for (const { address } of addresses) {
        const refusal = addressRefusal(address, policy);
        if (refusal) {
          callback(
            new EndpointRefusedError(hostname, `it resolves to ${address}, which ${refusal}`),
            [],
          );
          return;
        }
      }
      const [first] = addresses;
      if (options.all) callback(null, addresses);
      else callback(null, first?.address ?? '', first?.family);
    });
  };
}

/**
 * The validator client's default sender: undici's `fetch`, over a connection
 * pool whose every connect resolves names through {@link guardedLookup}. An
 * IP literal never reaches a lookup, so the client checks literals itself
 * before sending (`checkEndpointHost`). The body goes as it is, with no
 * `Request` built and read back.
 */
export function guardedSender(policy: EndpointPolicy): WireSender {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) } });
  return async ({ url, headers, body, signal }) =>
    (await undiciFetch(url, {
      method: 'POST',
      headers,
      body,
      signal,
      // A miner's redirect would send this validator's request, headers and all, anywhere.
      redirect: 'manual',
      dispatcher,
    })) as unknown as Response;
}

/** The {@link EndpointRefusedError} somewhere in a failed fetch's causes, if any. */
export function endpointRefusalIn(error: unknown): EndpointRefusedError | undefined {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause !== undefined && cause !== null; depth += 1) {
    if (EndpointRefusedError.isInstance(cause)) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}
