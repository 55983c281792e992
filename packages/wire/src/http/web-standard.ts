import { readBounded } from './read-body.js';
import { type WireAnswer, WireReply, type WireRequest } from './wire-request.js';

/**
 * A web-standard `Request` as the stages see one: its body read whole, but
 * never past `limit` (or the reason it was not read: too large, cut off),
 * header names looked up as sent, and the client's going away. What each
 * handler's `fetch` does before its stages; a `node:http` carrier builds the
 * same without a `Request`.
 */
export async function wireRequestOf(request: Request, limit: number): Promise<WireRequest> {
  let body: Uint8Array | WireReply;
  try {
    body = await readBounded(request.body, limit, request.headers.get('content-length'));
  } catch (error) {
    body =
      error instanceof WireReply
        ? error
        : new WireReply(408, 'MT_WIRE_BODY_INCOMPLETE', 'the body did not arrive whole');
  }
  return {
    method: request.method,
    path: new URL(request.url).pathname,
    header: (name) => request.headers.get(name),
    body,
    onGone: (listener) => request.signal.addEventListener('abort', listener, { once: true }),
  };
}

/** A handler's answer as a web-standard `Response` (a streamed one streams). */
export function responseOf(answer: WireAnswer): Response {
  const body = answer.stream ? ReadableStream.from(answer.stream) : answer.body;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/** An unsigned route beside the task routes (a metrics page, say), as a web-standard handler. */
export type PlainRoute = (request: Request) => Response | Promise<Response>;
