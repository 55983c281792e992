// A validator's round at subnet scale, against the network work it needs:
//   pnpm --filter @mt/neurons bench          (after the build)
// 256 miners (BENCH_QUICK=1: 32) answer the echo subnet in memory: each has
// its own hotkey and our miner handler, reached through an injected `fetch`,
// so the figures are the validator's own CPU and no socket's. The same tasks
// go two ways in one run: through `ValidatorClient` alone (one signed call
// per miner, all at once: the baseline), and through `ValidatorNode.round`
// on a LocalChain metagraph (the same calls plus tasks, judging, averages and
// its metagraph). Each way runs with signatures inline (node:crypto) and on a
// `SignerPool`. Every answer must verify, or no figure is printed.
import { generateKeypair, LocalChain } from '@mt/chain';
import { resultSchema } from '@mt/protocol';
import { echoMiner, echoValidator } from '@mt/subnets';
import {
  createMinerHandler,
  Hotkey,
  SignerPool,
  subnetTaskHandler,
  ValidatorClient,
} from '@mt/wire';
import { chainHotkeyOf, ValidatorNode } from '../dist/index.js';

const QUICK = process.env.BENCH_QUICK === '1';
const MINERS = QUICK ? 32 : 256;
const ROUNDS = QUICK ? 3 : 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fail = (message) => {
  console.error(`FAILED: ${message}; no figures printed.`);
  process.exit(1);
};

// 1. A LocalChain subnet with MINERS miners, each behind its own in-memory handler.
const sudo = (await generateKeypair()).pair;
const owner = (await generateKeypair()).pair;
const chain = LocalChain.create(
  ':memory:',
  { sudo: sudo.address, balances: [[owner.address, 10n ** 18n]] },
  { allowPrivateEndpoints: true },
);
const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
await chain.setHyperparameters(owner, netuid, {
  maxAllowedUids: MINERS + 16,
  maxAllowedValidators: 8,
  maxRegistrationsPerBlock: 4096,
  targetRegistrationsPerInterval: 4096,
  weightsRateLimit: 0,
});
const subnet = echoValidator();
const routes = new Map();
const handlers = [];
const endpoints = [];
for (let i = 0; i < MINERS; i += 1) {
  const hotkey = Hotkey.generate();
  const handler = createMinerHandler({
    hotkey,
    handlers: { [subnet.name]: subnetTaskHandler(echoMiner()) },
    rateLimit: { capacity: 10_000, refillPerSecond: 10_000 },
  });
  handlers.push(handler);
  const url = `http://10.0.${i >> 8}.${i & 255}:${8091 + i}`;
  routes.set(new URL(url).host, handler);
  const key = await chainHotkeyOf(hotkey);
  const uid = await chain.register(owner, netuid, key.address);
  await chain.publishEndpoint(key, netuid, url);
  endpoints.push({ uid, address: hotkey.address, url });
}
const fetch = (request) => routes.get(new URL(request.url).host).fetch(request);
const validator = Hotkey.generate();
const validatorKey = await chainHotkeyOf(validator);
await chain.register(owner, netuid, validatorKey.address);
await chain.advanceBlocks(1);

const pool = await SignerPool.start();
const rows = [];
for (const [name, signer] of [
  ['inline (node:crypto)', undefined],
  ['SignerPool', pool],
]) {
  const clientOptions = { fetch, allowPrivateEndpoints: true, ...(signer ? { signer } : {}) };
  const client = new ValidatorClient({ hotkey: validator, ...clientOptions });
  const node = new ValidatorNode({
    hotkey: validator,
    chain,
    netuid,
    subnet,
    client: clientOptions,
  });
  const clientTimes = [];
  const nodeTimes = [];
  // Alternating, so both ways see the same machine; the first of each warms up.
  for (let r = 0; r <= ROUNDS; r += 1) {
    const tasks = await Promise.all(
      endpoints.map((e) =>
        subnet.createTask({ minerUid: e.uid, difficulty: 0.5, netuid, round: r }),
      ),
    );
    let started = performance.now();
    const outcomes = await Promise.all(
      endpoints.map((e, i) =>
        client.query([e], subnet.name, tasks[i], { responseSchema: resultSchema }),
      ),
    );
    const clientMs = performance.now() - started;
    if (!outcomes.every(([o]) => o?.status === 'ok')) fail(`${name}: a client query failed`);
    started = performance.now();
    const round = await node.round(r);
    const nodeMs = performance.now() - started;
    if (round.length !== MINERS || !round.every((o) => o.status === 'ok' && o.score > 0))
      fail(`${name}: the round did not score every miner`);
    if (r > 0) {
      clientTimes.push(clientMs);
      nodeTimes.push(nodeMs);
    }
  }
  rows.push({ name, client: median(clientTimes), node: median(nodeTimes) });
}
await pool.close();
await Promise.all(handlers.map((h) => h.close()));
await chain.close();

console.log(
  `\nOne round over ${MINERS} miners in memory, median of ${ROUNDS} (same run, same tasks):\n`,
);
console.log('| signatures | ValidatorClient alone | ValidatorNode.round | round ÷ client |');
console.log('|---|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.client.toFixed(1)} ms | ${r.node.toFixed(1)} ms | ${(r.node / r.client).toFixed(2)}× |`,
  );
console.log(
  `\n(goal: round ÷ client ≤ 1.15; the round also creates and scores ${MINERS} tasks and reads the chain's head)`,
);
