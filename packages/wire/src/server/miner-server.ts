import { type CarrierOptions, serveHandler } from '../http/http-carrier.js';
import {
  createMinerHandler,
  type MinerHandler,
  type MinerHandlerOptions,
  type MinerServerMetrics,
} from './miner-handler.js';

/** Options of {@link createMinerServer}: the handler's, and the connection limits. */
export interface MinerServerOptions extends MinerHandlerOptions, CarrierOptions {}

/** A running miner server. */
export interface MinerServer {
  readonly address: string;
  /** Base URL once listening, e.g. `http://127.0.0.1:8091`. */
  readonly url: string;
  /** The web-standard handler it serves. */
  readonly handler: MinerHandler;
  /** The handler's counts so far: responses by status, latency, the queue. */
  metrics(): MinerServerMetrics;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * Serves a {@link MinerHandler} on `node:http` at `host:port` (port 0 picks
 * a free one), through the carrier every handler of this package shares
 * (`serveHandler`): timeouts for silent and slow clients, a connection cap,
 * a body read that stops at the handler's limit. Task requests take the fast
 * path that skips building a `Request`; every other route goes through
 * `handler.fetch`.
 *
 * @example
 * ```ts
 * const server = await createMinerServer({ hotkey, handlers }, { port: 8091 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function createMinerServer(
  options: MinerServerOptions,
  listen: { port?: number; host?: string } = {},
): Promise<MinerServer> {
  const handler = createMinerHandler(options);
  const server = await serveHandler(handler, options, listen);
  options.observer?.attach?.({ queue: () => handler.metrics().queue });
  return {
    address: handler.address,
    url: server.url,
    handler,
    metrics: () => handler.metrics(),
    close: () => server.close(),
  };
}
