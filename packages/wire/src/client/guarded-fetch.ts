import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { addressRefusal, type EndpointPolicy, EndpointRefusedError } from '@mt/protocol';
import { Agent, fetch as undiciFetch } from 'undici';

/** How the validator client sends a request: the global `fetch`'s shape, injectable. */
export type WireFetch = (request: Request) => Promise<Response>;

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
function guardedLookup(policy: EndpointPolicy) {
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
 * The validator client's default `fetch`: undici's, over a connection pool
 * whose every connect resolves names through {@link guardedLookup}. An IP
 * literal never reaches a lookup, so the client checks literals itself
 * before sending (`checkEndpointHost`).
 */
export function guardedFetch(policy: EndpointPolicy): WireFetch {
  const dispatcher = new Agent({ connect: { lookup: guardedLookup(policy) } });
  return async (request) => {
    const response = await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.body === null ? null : new Uint8Array(await request.arrayBuffer()),
      redirect: request.redirect,
      signal: request.signal,
      dispatcher,
    });
    return response as unknown as Response;
  };
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
