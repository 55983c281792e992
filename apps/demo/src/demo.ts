#!/usr/bin/env node
/**
 * The demo network (`npm start`): a local chain, three miners (honest, lazy,
 * cheating) and two validators on loopback, running the text-generation and
 * verifiable-inference subnets for several epochs with real models and real
 * zk proofs. A live dashboard is served while it runs; the final report is
 * written as HTML. With `--subtensor` (`npm run demo:subtensor`) the chain is
 * Bittensor's own runtime (spec 202) in chopsticks, and the report shows the
 * runtime's own epoch numbers, read back from it; with `--bittensor-wire`
 * (`npm run demo:bittensor`, which adds `--subtensor`) the neurons speak
 * Bittensor's Synapse wire with sr25519 hotkeys, as Bittensor's own neurons do. Exits non-zero unless honest work earns the most and
 * cheating about nothing, so the demo is also an end-to-end check.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatTable } from '@mt/cli';
import { startDashboard } from './dashboard.js';
import { renderReport, renderVerifyPage } from './dashboard-page.js';
import { subtensorDemoChain } from './demo-chain.js';
import { standings } from './report.js';
import { runDemoNetwork } from './run-network.js';

// `--subtensor`: the same network on Bittensor's own runtime (spec 202 in chopsticks, started here).
const onSubtensor = process.argv.includes('--subtensor');
// `--bittensor-wire`: the neurons speak Bittensor's Synapse wire with sr25519 hotkeys, as Bittensor's own.
const bittensorWire = process.argv.includes('--bittensor-wire');

const workDir = resolve(process.env.MT_DEMO_DIR ?? join(process.cwd(), '.demo'));
const epochs = Number(process.env.MT_DEMO_EPOCHS ?? 5);
const reportFile = join(workDir, 'report.html');
const verifyFile = join(workDir, 'verify.html');

// After the run the dashboard keeps serving its final state until Ctrl+C when
// a person is watching (a terminal), or when MT_DEMO_KEEP_SERVING=1.
const keepServing = process.env.MT_DEMO_KEEP_SERVING
  ? process.env.MT_DEMO_KEEP_SERVING === '1'
  : process.stdin.isTTY === true;
const dashboard = await startDashboard({ port: Number(process.env.MT_DEMO_PORT ?? 0) });
console.log(`Live dashboard: ${dashboard.url}`);

try {
  const run = await runDemoNetwork({
    workDir,
    epochs,
    ...(onSubtensor ? { chain: subtensorDemoChain } : {}),
    ...(bittensorWire ? { wire: 'bittensor' as const } : {}),
    onProgress: (message) => console.log(message),
    onCycle: (snapshot) => {
      dashboard.publish(snapshot);
      writeFileSync(reportFile, renderReport(snapshot));
    },
  });
  let ok = true;
  let cheaterShare = 0;
  console.log(`\nChain: ${run.meta.chain}`);
  console.log(`Wire: ${run.meta.wire}`);
  for (const { netuid, name } of run.meta.subnets) {
    const rows = standings(run, netuid);
    console.log(`\nSubnet ${netuid}: ${name}`);
    console.log(
      formatTable(
        [
          'miner',
          'behaviour',
          'mean score',
          'consensus',
          'incentive',
          'emission τ',
          'valid proofs',
        ],
        rows.map((r) => [
          r.miner,
          r.behaviour,
          Number(r.meanScore.toFixed(3)),
          Number(r.consensus.toFixed(3)),
          Number(r.incentive.toFixed(3)),
          Number(r.emission.toFixed(4)),
          r.proofsChecked === 0 ? '-' : `${r.proofsValid}/${r.proofsChecked}`,
        ]),
      ),
    );
    // The honest miner must have been paid, and more than every other miner.
    const honest = rows.find((r) => r.miner === 'honest')?.emission ?? 0;
    if (!(honest > 0 && rows.every((r) => r.miner === 'honest' || r.emission < honest))) ok = false;
    const total = rows.reduce((a, r) => a + r.emission, 0);
    cheaterShare = Math.max(
      cheaterShare,
      (rows.find((r) => r.miner === 'cheater')?.emission ?? 0) / Math.max(total, 1e-12),
    );
  }
  console.log(`\nReport: ${reportFile}`);
  // A page that checks a proof with no server, and one honest round's evidence to drop on it.
  writeFileSync(verifyFile, renderVerifyPage());
  const evidence = run.rounds
    .filter((r) => r.netuid === run.proofFiles?.netuid)
    .flatMap((r) => r.outcomes)
    .find((o) => o.proofValid && o.evidence)?.evidence;
  if (evidence) writeFileSync(join(workDir, 'evidence.json'), JSON.stringify(evidence));
  console.log(
    `Check a proof yourself: open ${verifyFile} and drop ${join(workDir, 'digits-circuit', 'circuit.json')}, verification_key.json beside it, and ${join(workDir, 'evidence.json')}`,
  );
  if (!ok || cheaterShare > 0.05) {
    console.error(
      `Honest work did not come out on top, or the cheater earned ${(100 * cheaterShare).toFixed(1)} % of a subnet's miner emission.`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      `Honest miner earned the most on both subnets; the cheater at most ${(100 * cheaterShare).toFixed(2)} %.`,
    );
  }
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  if (keepServing) {
    console.log(
      `\nThe dashboard keeps serving the final state at ${dashboard.url} (Ctrl+C to stop).`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  }
  await dashboard.close();
}
