import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderReport } from './report.js';
import type { DemoRun } from './run-network.js';

/**
 * The live dashboard: `/` is the report with charts, refreshing itself every
 * two seconds while the network runs; `/run.json` is the same data as JSON
 * (rao as decimal strings).
 */
export async function startDashboard(
  current: () => DemoRun | undefined,
  options: { port?: number } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const run = current();
    if (request.url === '/run.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(run ?? null, (_, v) =>
          typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
        ),
      );
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      run
        ? renderReport(run, { live: true })
        : '<!doctype html><meta http-equiv="refresh" content="2"><p>Setting up the network...</p>',
    );
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
