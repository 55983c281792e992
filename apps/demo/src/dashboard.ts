import { readFile } from 'node:fs/promises';
import { serve } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { streamSSE } from 'hono/streaming';
import { type AssetName, dashboardAsset, livePage } from './dashboard-page.js';
import { runToJson } from './run-json.js';
import type { DemoRun } from './run-network.js';

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the dashboard shows hotkeys and answers, so it stays on loopback unless told. */
  host?: string;
  /** Host names accepted in the `Host` header beside loopback's (e.g. a proxy's name). */
  allowedHosts?: string[];
}

/** A running dashboard. */
export interface Dashboard {
  readonly url: string;
  /** Sends the run to every open page (and keeps it for pages opened later). */
  publish(run: DemoRun): void;
  /** Stops serving and ends every open page's live feed. */
  close(): Promise<void>;
}

/**
 * Refuses requests whose `Host` is not this server under a loopback name or
 * an allowed one, so a page on another site cannot read the dashboard
 * through DNS rebinding.
 */
function hostGuard(allowed: () => Set<string>): MiddlewareHandler {
  return async (c, next) => {
    if (!allowed().has((c.req.header('host') ?? '').toLowerCase()))
      return c.text('unknown Host', 403);
    await next();
  };
}

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CONTENT_TYPES: Record<AssetName, string> = {
  'chart.umd.js': JAVASCRIPT,
  'dashboard.js': JAVASCRIPT,
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard-verify.js': JAVASCRIPT,
  'verify-file.js': JAVASCRIPT,
  'ort-wasm-simd-threaded.wasm': 'application/wasm',
};

/**
 * The live dashboard: `/` the page, `/run.json` the run so far, `/events` a
 * server-sent-event stream with the run on connect and after every epoch.
 * Built from named stages (Host check, security headers, routes) on Hono's
 * web-standard handler; `@hono/node-server` is the adapter. It keeps serving
 * the final run until closed.
 */
export async function startDashboard(options: DashboardOptions = {}): Promise<Dashboard> {
  let latest: DemoRun | undefined;
  const listeners = new Set<(json: string) => void>();
  const closing = new AbortController();
  let hosts = new Set<string>();

  const app = new Hono();
  app.use(
    '*',
    hostGuard(() => hosts),
  );
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        // 'wasm-unsafe-eval' and nothing more: the page's own verifier compiles
        // snarkjs's curve arithmetic and onnxruntime to WebAssembly.
        scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
      xContentTypeOptions: 'nosniff',
      referrerPolicy: 'no-referrer',
    }),
  );
  app.get('/', (c) => c.html(livePage()));
  app.get('/run.json', (c) =>
    c.body(runToJson(latest), 200, { 'content-type': 'application/json' }),
  );
  app.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    if (!Object.hasOwn(CONTENT_TYPES, name)) return c.notFound();
    const key = name as keyof typeof CONTENT_TYPES;
    return c.body(dashboardAsset(key), 200, {
      'content-type': CONTENT_TYPES[key],
      'cache-control': 'no-cache',
    });
  });
  // The proof subnet's public files, which the page checks against the hashes in /run.json.
  app.get('/zk/:name', async (c) => {
    const file = latest?.proofFiles?.files.find((f) => f.name === c.req.param('name'));
    if (!file) return c.notFound();
    return c.body(await readFile(file.path), 200, {
      'content-type': file.name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      'cache-control': 'no-cache',
    });
  });
  app.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      let queue = Promise.resolve();
      const send = (json: string) => {
        queue = queue.then(() => stream.writeSSE({ event: 'run', data: json }));
      };
      listeners.add(send);
      if (latest) send(runToJson(latest));
      await new Promise<void>((done) => {
        stream.onAbort(done);
        closing.signal.addEventListener('abort', () => done(), { once: true });
      });
      listeners.delete(send);
      await queue;
    }),
  );

  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () =>
      resolve(started),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  hosts = new Set(
    ['127.0.0.1', 'localhost', '[::1]', host, ...(options.allowedHosts ?? [])].map(
      (name) => `${name.toLowerCase()}:${port}`,
    ),
  );
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    publish(run) {
      latest = run;
      const json = runToJson(run);
      for (const listener of listeners) listener(json);
    },
    close: () =>
      new Promise<void>((done) => {
        closing.abort();
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
