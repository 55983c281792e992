import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { MtLogger } from '@mt/protocol';
import { bodyTooLarge } from './read-body.js';
import { type WireAnswer, WireReply, type WireRequest } from './wire-request.js';

/**
 * A web-standard handler a {@link serveHandler} carrier can put on
 * `node:http`: our miner handler and Bittensor's axon both are one. Requests
 * it `takes` skip building a `Request`: the carrier reads the body within
 * `bodyLimitBytes` and calls `handle`; every other request goes to `fetch`.
 */
export interface CarriedHandler {
  /** The largest body it accepts; the carrier refuses bigger ones before reading. */
  readonly bodyLimitBytes: number;
  /** Whether a request goes the fast path (its body read by the carrier, then `handle`). */
  takes(method: string, path: string): boolean;
  /** Answers a request whose body the carrier read. */
  handle(request: WireRequest): Promise<WireAnswer>;
  /** Answers any other request. */
  fetch(request: Request): Promise<Response>;
  /** Refuses new work and resolves once the work in flight is answered. */
  close(): Promise<void>;
}

/** The connection limits of {@link serveHandler}. */
export interface CarrierOptions {
  /** Time a client has to send its headers, from connecting, in ms. Default 5 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send a whole request (headers and body), in ms. Default 10 s. */
  requestTimeoutMs?: number;
  /** Time an idle keep-alive connection stays open, in ms. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Open connections at once; past it, new ones are closed. Default 1,024. */
  maxConnections?: number;
  /** Where a handler's own failure is logged. */
  logger?: MtLogger;
}

/** A handler listening on `node:http`. */
export interface CarriedServer {
  /** Base URL once listening, e.g. `http://127.0.0.1:8091`. */
  readonly url: string;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * Serves a {@link CarriedHandler} on `node:http` at `host:port` (port 0 picks
 * a free one). It is a thin carrier that adds what only a socket server can
 * do: headers, request and keep-alive timeouts (so silent or slow clients
 * cannot hold connections), a connection cap, and a body read that stops at
 * the handler's size limit. Bodies are never decompressed: a
 * `content-encoding` reaches the handler as sent.
 */
export async function serveHandler(
  handler: CarriedHandler,
  options: CarrierOptions,
  listen: { port?: number; host?: string } = {},
): Promise<CarriedServer> {
  const limit = handler.bodyLimitBytes;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const server = createServer({
    // Node requires headersTimeout ≤ requestTimeout.
    headersTimeout: Math.min(options.headersTimeoutMs ?? 5_000, requestTimeoutMs),
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // How often Node checks the two timeouts above; its default of 30 s would let them overrun.
    connectionsCheckingInterval: 500,
    maxHeaderSize: 16 * 1024,
  });
  server.maxConnections = options.maxConnections ?? 1_024;
  // No inactivity timeout: a task may compute for longer than a request may
  // take to arrive. Silent and slow clients are closed by the two timeouts above.
  server.timeout = 0;

  // Requests whose response has not closed yet, so close() waits for them.
  const open = new Set<Promise<void>>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
    // One 'close' listener per request serves both the handler (the client
    // gone before its answer) and close() (the answer handed over or lost).
    let gone: (() => void) | undefined;
    const closed = new Promise<void>((resolve) =>
      response.once('close', () => {
        if (!response.writableFinished) gone?.();
        resolve();
      }),
    );
    open.add(closed);
    closed.then(() => open.delete(closed));
    const work = handler.takes(request.method ?? 'GET', path)
      ? readBody(request, limit).then((body) =>
          handler.handle({
            method: request.method ?? 'GET',
            path,
            header: (name) => single(request.headers[name]),
            body,
            onGone: (listener) => {
              gone = listener;
            },
          }),
        )
      : handler.fetch(toRequest(request, path)).then(fromResponse);
    work.then(
      (answer) => write(response, answer),
      (error: unknown) => {
        // A bug of this server's: logged here, and the peer learns nothing of it.
        options.logger?.error({ err: error, path }, 'server failed');
        write(response, {
          status: 500,
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(
            JSON.stringify(
              new WireReply(500, 'MT_WIRE_SERVER_FAILED', 'the server failed').toBody(),
            ),
          ),
        });
      },
    );
  });
  // Malformed requests and timeouts: answer if the socket still can, then close it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && !socket.writableEnded) {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(
        `HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
      );
    } else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await handler.close();
      await Promise.allSettled([...open]);
      // Every answer is written; connections still open have nothing in flight.
      server.closeAllConnections();
      await closed;
    },
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a request body up to `limit` bytes; past it (or declared past it), a 413 reply instead. */
function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | WireReply> {
  // Past the limit nothing more is read: the 413 goes out with `connection:
  // close` (see write), and the rest of the body dies with the socket.
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(bodyTooLarge(limit));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.pause();
        resolve(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () =>
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size)),
    );
    // A body cut off (an error, a timeout, the client gone) settles too; nobody reads that answer.
    const cut = () => {
      if (!request.complete)
        resolve(new WireReply(408, 'MT_WIRE_BODY_INCOMPLETE', 'the body did not arrive whole'));
    };
    request.once('error', cut);
    request.once('close', cut);
  });
}

function toRequest(request: IncomingMessage, path: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  // Plain routes are GETs: a body, if any, is not read.
  // The Host header is the client's to choose, so it never becomes part of the URL.
  return new Request(`http://localhost${path}`, {
    method: request.method ?? 'GET',
    headers,
  });
}

async function fromResponse(response: Response): Promise<WireAnswer> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()) };
}

/** Writes an answer, unless the client is already gone. */
function write(response: ServerResponse, answer: WireAnswer): void {
  if (response.destroyed) return;
  const headers = answer.headers;
  if (answer.stream) {
    response.writeHead(answer.status, headers);
    void pipeStream(response, answer.stream);
    return;
  }
  headers['content-length'] = String(answer.body.byteLength);
  // A body refused unread must not be parsed as the next request.
  if (answer.status === 413) headers.connection = 'close';
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

/** Writes a stream's chunks as they come, waiting when the socket is full; a failed stream cuts the connection. */
async function pipeStream(
  response: ServerResponse,
  stream: AsyncIterable<Uint8Array>,
): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const { done, value } = await iterator.next();
      if (done) break;
      if (response.destroyed) {
        await iterator.return?.();
        return;
      }
      if (!response.write(value))
        await new Promise<void>((resolve) => {
          response.once('drain', resolve);
          response.once('close', resolve);
        });
    }
    response.end();
  } catch {
    // The client must not take a cut stream for a whole one.
    response.destroy();
  }
}
