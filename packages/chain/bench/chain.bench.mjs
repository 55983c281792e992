// Chain benchmarks, each beside a baseline measured in the same run:
//   node bench/chain.bench.mjs            LocalChain: signed calls/s vs the same write unsigned
//   node bench/chain.bench.mjs --devnet   also chopsticks spec 202: s/block, s/epoch block, weight update inclusion
//   node bench/chain.bench.mjs --metagraph   a 256-UID metagraph on spec 218: requests, bytes, caller CPU
// Figures are printed only when every step succeeded.
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { generateKeypair, LocalChain } from '../dist/index.js';

const devnet = process.argv.includes('--devnet');
// BENCH_QUICK=1 (CI's check that the command still runs): fewer calls (the devnet half is as long).
const N = process.env.BENCH_QUICK === '1' ? 40 : 4000;
/** Calls issued at once in the batched row: they share one write transaction. */
const AT_ONCE = 50;
const rows = [];

async function localChain() {
  const sudo = (await generateKeypair('ed25519')).pair;
  const chain = LocalChain.create(':memory:', { sudo: sudo.address });
  const target = (await generateKeypair()).pair.address;
  for (let i = 0; i < 20; i += 1) await chain.setBalance(sudo, target, BigInt(i)); // warm-up
  let t = performance.now();
  for (let i = 0; i < N; i += 1) await chain.setBalance(sudo, target, BigInt(i));
  const signed = (performance.now() - t) / N;
  // The same calls, AT_ONCE at a time (as several validators' calls arrive together).
  t = performance.now();
  for (let i = 0; i < N; i += AT_ONCE)
    await Promise.all(
      Array.from({ length: Math.min(AT_ONCE, N - i) }, (_, k) =>
        chain.setBalance(sudo, target, BigInt(i + k)),
      ),
    );
  const batched = (performance.now() - t) / N;
  if ((await chain.balance(target)) !== BigInt(N - 1))
    throw new Error('the batched calls did not all land');
  // Baseline: the same row written by the same SQLite, in an immediate transaction, unsigned.
  const db = new Database(':memory:');
  db.exec(
    'CREATE TABLE accounts (address TEXT PRIMARY KEY, free TEXT NOT NULL, nonce INTEGER NOT NULL)',
  );
  const write = db.prepare(
    `INSERT INTO accounts (address, free, nonce) VALUES (?, ?, 1)
     ON CONFLICT (address) DO UPDATE SET free = excluded.free, nonce = nonce + 1`,
  );
  const tx = db.transaction((i) => write.run(target, String(i)));
  t = performance.now();
  for (let i = 0; i < N; i += 1) tx.immediate(i);
  const raw = (performance.now() - t) / N;
  await chain.close();
  rows.push([
    `LocalChain signed call, one at a time (ed25519 sign and verify, nonce, write): ${(signed * 1000).toFixed(0)} µs`,
    `${(1000 / signed).toFixed(0)} calls/s`,
    `${(1000 / raw).toFixed(0)} writes/s unsigned`,
    `${(signed / raw).toFixed(1)}× the cost`,
  ]);
  rows.push([
    `LocalChain signed calls, ${AT_ONCE} at once (one transaction): ${(batched * 1000).toFixed(0)} µs each`,
    `${(1000 / batched).toFixed(0)} calls/s`,
    `${(1000 / raw).toFixed(0)} writes/s unsigned`,
    `${(batched / raw).toFixed(1)}× the cost`,
  ]);
}

async function chopsticks() {
  const { startSubtensorDevnet } = await import('../dist/devnet/index.js');
  const { SubtensorChain } = await import('../dist/subtensor/index.js');
  const net = await startSubtensorDevnet({ runtime: 'spec202', blockMode: 'Manual' });
  try {
    const time = async (work) => {
      const t = performance.now();
      await work();
      return (performance.now() - t) / 1000;
    };
    // Instant mode would hide the inclusion wait; Manual mode builds blocks only when asked.
    const sudo = (await generateKeypair()).pair;
    await net.setSudo(sudo.address);
    await net.setBalance(sudo.address, 10n ** 15n);
    const empty = [];
    for (let i = 0; i < 5; i += 1) empty.push(await time(() => net.newBlocks(1)));
    const perBlock = empty.reduce((a, b) => a + b, 0) / empty.length;
    const tenBlocks = await time(() => net.newBlocks(10));
    rows.push([
      'chopsticks spec 202: one block',
      `${perBlock.toFixed(2)} s`,
      `${(tenBlocks / 10).toFixed(2)} s per block in a run of 10`,
      '',
    ]);
    // An epoch block against an ordinary one: netuid 3 (genesis, tempo 99) runs its epoch where (b + 4) % 100 == 99.
    const chain = await SubtensorChain.connect(net.url);
    const head = await chain.head();
    const epoch = await chain.nextEpochBlock(3, head + 2);
    await net.newBlocks(epoch - head - 1);
    const epochBlock = await time(() => net.newBlocks(1));
    const after = await time(() => net.newBlocks(1));
    rows.push([
      'chopsticks spec 202: the epoch block of subnet 3',
      `${epochBlock.toFixed(2)} s`,
      `${after.toFixed(2)} s the block after`,
      `${(epochBlock / after).toFixed(1)}×`,
    ]);
    // Submission to inclusion: a sudo-wrapped remark as the baseline, then a weight-setting call.
    const included = async (submit) => {
      const t = performance.now();
      // A call the runtime refuses in its block (the key below is not registered) is included all the same.
      const pending = submit().then(
        () => undefined,
        (error) =>
          error?.chainError && error.chainError !== 'NotIncluded'
            ? undefined
            : Promise.reject(error),
      );
      while ((await net.pendingTransactions()) === 0)
        await new Promise((resolve) => setTimeout(resolve, 5));
      await net.newBlocks(1);
      await pending;
      return (performance.now() - t) / 1000;
    };
    const remark = await included(() => chain.sudo(sudo, 'system', 'remark', ['0x00']));
    const weights = await included(() => chain.setWeights(sudo, 3, { uids: [0], values: [65535] }));
    rows.push([
      'chopsticks spec 202: set_weights (refused in block: unregistered key), submit → in block',
      `${weights.toFixed(2)} s`,
      `${remark.toFixed(2)} s for a remark`,
      `${(weights / remark).toFixed(1)}×`,
    ]);
    await chain.close();
  } finally {
    await net.stop();
  }
}

/**
 * A validator round's chain work on Bittensor's runtime: one metagraph of a
 * subnet of `UIDS` neurons on spec 218, read through the runtime APIs and,
 * as the baseline in the same run, from storage. Each client talks through a
 * counting proxy, so the requests and the bytes are the ones a real node
 * would serve; the CPU is this process's own (chopsticks runs in another),
 * which is what carries to a real node: chopsticks' executor dominates the
 * wall time.
 */
async function metagraphRound() {
  const { startSubtensorDevnet } = await import('../dist/devnet/index.js');
  const { SubtensorChain } = await import('../dist/subtensor/index.js');
  const { WebSocket, WebSocketServer } = await import('ws');
  const UIDS = process.env.BENCH_QUICK === '1' ? 6 : 255;
  const READS = process.env.BENCH_QUICK === '1' ? 2 : 10;
  const net = await startSubtensorDevnet({ runtime: 'spec218' });
  // A pass-through node on loopback that counts each request and the bytes both ways.
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const traffic = { requests: 0, down: 0, up: 0 };
  server.on('connection', (socket) => {
    const node = new WebSocket(net.url);
    const early = [];
    node.on('open', () => {
      for (const frame of early.splice(0)) node.send(frame);
    });
    node.on('message', (data) => {
      traffic.down += data.length;
      socket.send(data.toString());
    });
    socket.on('message', (data) => {
      traffic.requests += 1;
      traffic.up += data.length;
      if (node.readyState === 1) node.send(data.toString());
      else early.push(data.toString());
    });
    socket.on('close', () => node.close());
    node.on('error', () => undefined);
  });
  const proxyUrl = `ws://127.0.0.1:${server.address().port}`;
  const clients = [];
  try {
    const sudo = (await generateKeypair()).pair;
    await net.setSudo(sudo.address);
    await net.setBalance(sudo.address, 10n ** 15n);
    const setup = await SubtensorChain.connect(net.url, { allowPrivateEndpoints: true });
    clients.push(setup);
    await setup.sudo(sudo, 'adminUtils', 'sudoSetNetworkRateLimit', [0]);
    await setup.sudo(sudo, 'adminUtils', 'sudoSetNetworkMinLockCost', [1_000_000_000]);
    const owner = (await generateKeypair()).pair;
    await net.setBalance(owner.address, 10n ** 15n);
    const netuid = await setup.createSubnet(owner, (await generateKeypair()).pair.address);
    await net.newBlocks(1);
    await setup.setHyperparameters(sudo, netuid, {
      maxAllowedUids: 256,
      targetRegistrationsPerInterval: 1000,
      maxRegistrationsPerBlock: 1000,
    });
    // One coldkey fills the subnet, 32 registrations to a transaction (utility.batchAll): one
    // block each, where one registration a block would take chopsticks many minutes.
    const coldkey = (await generateKeypair()).pair;
    await net.setBalance(coldkey.address, 10n ** 16n);
    const { ApiPromise, WsProvider } = await import('@polkadot/api');
    const polkadot = await ApiPromise.create({
      provider: new WsProvider(net.url),
      noInitWarn: true,
    });
    try {
      for (let done = 0; done < UIDS; ) {
        const count = Math.min(32, UIDS - done);
        const calls = [];
        for (let i = 0; i < count; i += 1)
          calls.push(
            polkadot.tx.subtensorModule.burnedRegister(
              netuid,
              (await generateKeypair('ed25519')).pair.address,
            ),
          );
        await new Promise((resolve, reject) => {
          polkadot.tx.utility
            .batchAll(calls)
            .signAndSend(coldkey, { nonce: -1 }, ({ status, dispatchError }) => {
              if (dispatchError) reject(new Error(`registration batch failed: ${dispatchError}`));
              else if (status.isInBlock) resolve();
            })
            .catch(reject);
        });
        done += count;
      }
    } finally {
      await polkadot.disconnect();
    }
    const measure = async (label, options) => {
      const chain = await SubtensorChain.connect(proxyUrl, options);
      clients.push(chain);
      const first = await chain.metagraph(netuid); // caches of the first read (the runtime version)
      const before = { ...traffic };
      const cpu = process.cpuUsage();
      const t = performance.now();
      for (let i = 0; i < READS; i += 1) await chain.metagraph(netuid);
      const wall = (performance.now() - t) / READS;
      const used = process.cpuUsage(cpu);
      return {
        label,
        graph: first,
        requests: (traffic.requests - before.requests) / READS,
        kib: (traffic.down - before.down + traffic.up - before.up) / READS / 1024,
        cpuMs: (used.user + used.system) / 1000 / READS,
        wallMs: wall,
      };
    };
    const storage = await measure('from storage, every UID of an item in one request', {
      runtimeApis: false,
    });
    const api = await measure('through the runtime APIs', {});
    // No figures for a run whose two paths disagree.
    const same = (a, b) =>
      JSON.stringify(a.neurons, (_, v) => (typeof v === 'bigint' ? String(v) : v)) ===
      JSON.stringify(b.neurons, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    if (api.graph.neurons.length !== UIDS + 1 || !same(api.graph, storage.graph))
      throw new Error('the two paths read different metagraphs');
    for (const row of [api, storage]) {
      rows.push([
        `metagraph of ${UIDS + 1} UIDs on spec 218, ${row.label}`,
        `${row.requests} requests, ${row.kib.toFixed(1)} KiB, ${row.cpuMs.toFixed(1)} ms caller CPU (${row.wallMs.toFixed(0)} ms wall)`,
        row === api ? 'from storage (next row)' : '',
        row === api
          ? `${(row.cpuMs / storage.cpuMs).toFixed(2)}× the CPU, ${(row.requests / storage.requests).toFixed(2)}× the requests`
          : '',
      ]);
    }
  } finally {
    for (const client of clients) await client.close();
    await new Promise((resolve) => server.close(resolve));
    await net.stop();
  }
}

try {
  if (process.argv.includes('--metagraph')) await metagraphRound();
  else await localChain();
  if (devnet) await chopsticks();
} catch (error) {
  console.error(`benchmark failed, no figures printed: ${error?.stack ?? error}`);
  process.exit(1);
}
console.log('| measured | figure | baseline (same run) | ratio |\n|---|---:|---:|---:|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
