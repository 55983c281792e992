// Signed requests per second through the miner server, with node:crypto inline
// and with a SignerPool (libsodium on worker threads), and through the
// Bittensor axon (sr25519, Bittensor's Synapse wire; inline and with an
// Sr25519VerifierPool), against a bare fastify
// route doing the same JSON echo, measured in the same run, at 200 concurrent
// connections. Each server runs in its own process; autocannon drives it.
// Ratios are printed only when every signed request was answered 2xx.
//   pnpm --filter @mt/wire bench
import { randomBytes } from 'node:crypto';
import { Sr25519Hotkey } from '../dist/bittensor/index.js';
import { Hotkey, signEnvelope, taskPath } from '../dist/index.js';
import { signBittensorRequests } from './bittensor-requests.mjs';
import { CONNECTIONS, DURATION_S, line, measure, QUICK, startServer } from './load.mjs';

const body = JSON.stringify({ text: 'the quick brown fox' });

const miner = Hotkey.generate();
const validator = Hotkey.generate();
const path = taskPath('echo');

// Every signed request needs its own nonce, so signatures are made before
// each run (a pool larger than the run can use, signed just before it so its
// timestamps are inside the server's window) and handed out one by one: the
// load generator then spends no CPU on signing while it measures.
const poolSize = Number(process.env.BENCH_POOL ?? (QUICK ? 30_000 : 200_000));
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
const signedRequests = ({ reuse }) => {
  next = 0;
  return [
    {
      method: 'POST',
      body,
      setupRequest: (request) => {
        const headers = pool[reuse ? next % poolSize : next];
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
const bareResult = await measure(bare, path, signedRequests({ reuse: true }));
bare.child.kill();

const seedHex = Buffer.from(miner.exportSeed()).toString('hex');
async function runSigned(kind) {
  signPool();
  const server = await startServer(kind, seedHex);
  const result = await measure(server, path, signedRequests({ reuse: false }));
  server.child.kill('SIGINT');
  return result;
}
const signedResult = await runSigned('signed');
const pooledResult = await runSigned('pooled');

// The Bittensor axon, verifying inline and on an Sr25519VerifierPool:
// sr25519 signing costs the generator about 0.8 ms a request, so each run's
// pool is smaller, signed just before it (each nonce is good for 64 s), and
// sized past what the axon can verify in the run. At a fraction of the
// envelope's rate, 200 connections would only queue: a few requests then
// wait past autocannon's 10 s; 50 keep the same rate.
const AXON_CONNECTIONS = 50;
const axonSeed = randomBytes(32);
const axonKey = Sr25519Hotkey.fromSeed(axonSeed);
const axonPoolSize = Number(process.env.BENCH_AXON_POOL ?? (QUICK ? 5_000 : 40_000));
async function runAxon(kind) {
  console.log(`signing ${axonPoolSize} Bittensor requests ahead of the run...`);
  const bittensor = signBittensorRequests(
    Sr25519Hotkey.generate(),
    axonKey.address,
    'the quick brown fox',
    axonPoolSize,
  );
  const server = await startServer(kind, axonSeed.toString('hex'));
  let nextAxon = 0;
  const result = await measure(
    server,
    '/Echo',
    [
      {
        method: 'POST',
        body: bittensor.body,
        setupRequest: (request) => {
          const headers = bittensor.requests[nextAxon];
          nextAxon += 1;
          if (!headers) throw new Error('the Bittensor pool ran out; raise BENCH_AXON_POOL');
          request.headers = headers;
          return request;
        },
      },
    ],
    AXON_CONNECTIONS,
  );
  server.child.kill('SIGINT');
  return result;
}
const axonResult = await runAxon('axon');
const axonPooledResult = await runAxon('axon-pooled');

console.log(
  `\n${CONNECTIONS} connections, ${DURATION_S} s each, JSON echo of ${bodyBytes.length} bytes`,
);
console.log(line('bare fastify (baseline)', bareResult));
console.log(line('signed, node:crypto', signedResult));
console.log(line('signed, SignerPool', pooledResult));
console.log(line(`Bittensor axon, ${AXON_CONNECTIONS} conns`, axonResult));
console.log(line('  …, Sr25519VerifierPool', axonPooledResult));
const failed = [signedResult, pooledResult, axonResult, axonPooledResult].some(
  (r) => r.non2xx > 0 || r.errors > 0,
);
if (failed) {
  // Figures of a run with failures would describe something else than served requests.
  console.log('  FAILED: a signed run had non-2xx answers or errors; no ratios are printed');
  process.exitCode = 1;
} else {
  console.log(`  signed (node:crypto) / bare = ${(signedResult.rps / bareResult.rps).toFixed(2)}`);
  console.log(`  signed (SignerPool) / bare  = ${(pooledResult.rps / bareResult.rps).toFixed(2)}`);
  console.log(`  Bittensor axon / bare       = ${(axonResult.rps / bareResult.rps).toFixed(2)}`);
  const envelope = (r) => (r.rps / signedResult.rps).toFixed(2);
  console.log(
    `  Bittensor axon / signed (node:crypto): inline ${envelope(axonResult)}, verifier pool ${envelope(axonPooledResult)}`,
  );
  // The Python axon's figure is not from this run: measured on this machine kind (bittensor 10.2.0, Echo).
  const python = (r) => (r.rps / 36).toFixed(1);
  console.log(
    `  Bittensor axon / Python axon's 36 req/s: inline ${python(axonResult)}, verifier pool ${python(axonPooledResult)}`,
  );
}
