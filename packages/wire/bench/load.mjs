// What the wire benchmarks share: a server per process (bench/wire-server.mjs),
// autocannon driving it, and the CPU the server spent per request.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const CONNECTIONS = 200;
/** BENCH_QUICK=1: CI's check that the commands still run, with short runs and small pools. */
export const QUICK = process.env.BENCH_QUICK === '1';
export const DURATION_S = Number(process.env.BENCH_DURATION ?? (QUICK ? 1 : 10));

/** Starts `bench/wire-server.mjs` of `kind` in its own process; resolves with its URL. */
export function startServer(kind, seed) {
  const child = fork(fileURLToPath(new URL('./wire-server.mjs', import.meta.url)), [kind, seed], {
    stdio: 'inherit',
    execArgv: process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [],
  });
  return new Promise((resolve) => child.once('message', ({ url }) => resolve({ url, child })));
}

/** Runs the load against a started server at `path` (200 connections unless told) and adds the CPU the server spent per request. */
export async function measure(server, path, requests, connections = CONNECTIONS) {
  server.child.send('start');
  const result = summary(await run(`${server.url}${path}`, requests, connections));
  const used = await new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send('report');
  });
  return { ...result, cpuUs: used.cpuUs / result.total, loopUs: used.loopUs / result.total };
}

function run(url, requests, connections) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, duration: DURATION_S, pipelining: 1, requests },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

const summary = (r) => ({
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  total: r.requests.total,
  non2xx: r.non2xx,
  errors: r.errors + r.timeouts,
});

/** One result as a table line. */
export const line = (name, r) =>
  `  ${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.cpuUs.toFixed(0).padStart(4)} µs/req (event loop ${r.loopUs.toFixed(0).padStart(4)})   non-2xx ${r.non2xx}   errors ${r.errors}`;
