// Signed requests per second through the miner server, with node:crypto inline
// and with a SignerPool (libsodium on worker threads), against a bare fastify
// route doing the same JSON echo, measured in the same run, at 200 concurrent
// connections. Each server runs in its own process; autocannon drives it.
// Ratios are printed only when every signed request was answered 2xx.
//   pnpm --filter @mt/wire bench
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Hotkey, signEnvelope, taskPath } from '../dist/index.js';

const CONNECTIONS = 200;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const body = JSON.stringify({ text: 'the quick brown fox' });

function startServer(kind, seed) {
  const child = fork(fileURLToPath(new URL('./wire-server.mjs', import.meta.url)), [kind, seed], {
    stdio: 'inherit',
    execArgv: process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [],
  });
  return new Promise((resolve) => child.once('message', ({ url }) => resolve({ url, child })));
}

/** Runs the load against a started server and adds the CPU the server spent per request. */
async function measure(server, requests) {
  server.child.send('start');
  const result = summary(await run(`${server.url}${path}`, requests));
  const used = await new Promise((resolve) => {
    server.child.once('message', resolve);
    server.child.send('report');
  });
  return { ...result, cpuUs: used.cpuUs / result.total, loopUs: used.loopUs / result.total };
}

function run(url, requests) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: CONNECTIONS, duration: DURATION_S, pipelining: 1, requests },
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

const miner = Hotkey.generate();
const validator = Hotkey.generate();
const path = taskPath('echo');

// Every signed request needs its own nonce, so signatures are made before
// each run (a pool larger than the run can use, signed just before it so its
// timestamps are inside the server's window) and handed out one by one: the
// load generator then spends no CPU on signing while it measures.
const poolSize = Number(process.env.BENCH_POOL ?? 200_000);
const pool = new Array(poolSize);
const bodyBytes = Buffer.from(body);
let next = 0;

function signPool() {
  console.log(`signing ${poolSize} requests ahead of the run...`);
  for (let i = 0; i < poolSize; i += 1) {
    pool[i] = {
      ...signEnvelope({
        key: validator,
        kind: 'request',
        target: `POST ${path}`,
        receiver: miner.address,
        body: bodyBytes,
        deadline: Date.now() + 600_000,
      }),
      'content-type': 'application/json',
    };
  }
}

// Every run sends the same requests, signed headers included (the bare route
// ignores them), so the load generator does the same work in each and only the
// server differs: on a 2-core machine the generator shares the CPU with it.
// The bare route checks nothing, so its run may go round the pool again.
const signedRequests = ({ cycle }) => {
  next = 0;
  return [
    {
      method: 'POST',
      body,
      setupRequest: (request) => {
        const headers = pool[cycle ? next % poolSize : next];
        next += 1;
        if (!headers) throw new Error('the signed pool ran out; raise BENCH_POOL');
        request.headers = headers;
        return request;
      },
    },
  ];
};

const bare = await startServer('bare', '');
signPool();
const bareResult = await measure(bare, signedRequests({ cycle: true }));
bare.child.kill();

const seedHex = Buffer.from(miner.exportSeed()).toString('hex');
async function runSigned(kind) {
  signPool();
  const server = await startServer(kind, seedHex);
  const result = await measure(server, signedRequests({ cycle: false }));
  server.child.kill('SIGINT');
  return result;
}
const signedResult = await runSigned('signed');
const pooledResult = await runSigned('pooled');

const line = (name, r) =>
  `  ${name.padEnd(22)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.cpuUs.toFixed(0).padStart(3)} µs/req (event loop ${r.loopUs.toFixed(0).padStart(3)})   non-2xx ${r.non2xx}   errors ${r.errors}`;
console.log(
  `\n${CONNECTIONS} connections, ${DURATION_S} s each, JSON echo of ${bodyBytes.length} bytes`,
);
console.log(line('bare fastify (baseline)', bareResult));
console.log(line('signed, node:crypto', signedResult));
console.log(line('signed, SignerPool', pooledResult));
const failed = [signedResult, pooledResult].some((r) => r.non2xx > 0 || r.errors > 0);
if (failed) {
  // Figures of a run with failures would describe something else than served requests.
  console.log('  FAILED: a signed run had non-2xx answers or errors; no ratios are printed');
  process.exitCode = 1;
} else {
  console.log(`  signed (node:crypto) / bare = ${(signedResult.rps / bareResult.rps).toFixed(2)}`);
  console.log(`  signed (SignerPool) / bare  = ${(pooledResult.rps / bareResult.rps).toFixed(2)}`);
}
