// Child process for the wire benchmark: starts the signed miner server, a
// Bittensor axon, or a bare fastify route with the same JSON echo, and prints its URL. Asked
// 'start' and then 'report', it answers with the CPU it used in between: all
// its threads (process.cpuUsage) and its event loop's busy time.
import Fastify from 'fastify';
import { z } from 'zod';
import {
  axonRoute,
  BittensorAxon,
  Sr25519Hotkey,
  Sr25519VerifierPool,
} from '../dist/bittensor/index.js';
import { createMinerServer, Hotkey, SignerPool } from '../dist/index.js';
import { BenchEcho } from './bittensor-requests.mjs';

const kind = process.argv[2];
const seed = Buffer.from(process.argv[3] ?? '', 'hex');

if (kind === 'signed' || kind === 'pooled') {
  const threads = process.env.BENCH_SIGNER_THREADS
    ? Number(process.env.BENCH_SIGNER_THREADS)
    : undefined;
  const signer = kind === 'pooled' ? await SignerPool.start(threads ? { threads } : {}) : undefined;
  const server = await createMinerServer({
    ...(signer ? { signer } : {}),
    hotkey: Hotkey.fromSeed(seed),
    handlers: {
      echo: { schema: z.object({ text: z.string() }), handle: (input) => ({ text: input.text }) },
    },
    concurrency: 256,
    maxQueue: 10_000,
    // One client key drives every connection: no per-sender bound may cap the figure.
    maxTasksPerSender: 10_000,
    rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
    replay: { perSenderCapacity: 1_000_000 },
  });
  process.send?.({ url: server.url });
} else if (kind === 'axon' || kind === 'axon-pooled') {
  const threads = process.env.BENCH_VERIFIER_THREADS
    ? Number(process.env.BENCH_VERIFIER_THREADS)
    : undefined;
  const verifier =
    kind === 'axon-pooled'
      ? await Sr25519VerifierPool.start(threads ? { threads } : {})
      : undefined;
  const axon = new BittensorAxon({
    ...(verifier ? { verifier } : {}),
    hotkey: Sr25519Hotkey.fromSeed(seed),
    routes: [axonRoute(BenchEcho, ({ text }) => ({ out: text }))],
    concurrency: 256,
    maxQueue: 10_000,
    maxTasksPerSender: 10_000,
    rateLimit: { capacity: 1e9, refillPerSecond: 1e9 },
    replay: { perSenderCapacity: 1_000_000 },
  });
  const server = await axon.serve();
  process.send?.({ url: server.url });
} else {
  const app = Fastify();
  app.post('/v1/tasks/echo', async (request) => {
    const input = z.object({ text: z.string() }).parse(request.body);
    return { result: { text: input.text } };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.send?.({ url: `http://127.0.0.1:${address.port}` });
}
let cpu;
let loop;
process.on('message', (message) => {
  if (message === 'start') {
    cpu = process.cpuUsage();
    loop = performance.eventLoopUtilization();
  } else if (message === 'report') {
    const used = process.cpuUsage(cpu);
    const busy = performance.eventLoopUtilization(loop);
    process.send?.({ cpuUs: used.user + used.system, loopUs: busy.active * 1000 });
  }
});
process.on('SIGINT', () => process.exit(0));
