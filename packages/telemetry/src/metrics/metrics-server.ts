import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeCause } from '@mt/protocol';
import type { Registry } from 'prom-client';
import { metricsText, PROMETHEUS_CONTENT_TYPE } from './metrics-registry.js';

/** A running {@link startMetricsServer}. */
export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops serving and closes open connections. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` from `registries` for a process that has no HTTP
 * server of its own (a validator). Loopback by default: metrics say which
 * peers a node talks to, so exposing them wider is the operator's choice.
 * Every other path or method gets 404 or 405.
 */
export async function startMetricsServer(
  registries: Registry[],
  listen: { host?: string; port?: number } = {},
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    metricsText(registries).then(
      (text) => {
        response.writeHead(200, {
          'content-type': PROMETHEUS_CONTENT_TYPE,
          'x-content-type-options': 'nosniff',
        });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(`metrics failed: ${describeCause(error)}`);
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', () => done());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
