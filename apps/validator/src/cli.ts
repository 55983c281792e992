#!/usr/bin/env node
/**
 * `mt-validator`: validates the text-generation and/or verifiable-inference
 * subnet of a local chain on a schedule, with real models, until SIGINT or
 * SIGTERM (or --rounds).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { instrumentChain, LocalChain } from '@mt/app-chain';
import { LOGGING_USAGE, loadOrCreateHotkey, programLogger, programSettings } from '@mt/app-miner';
import type { SubnetValidator } from '@mt/protocol';
import { CliUsageError, describeCause } from '@mt/protocol';
import { SubnetMetrics } from '@mt/subnets';
import { TextGenerationValidator } from '@mt/subnets/text-generation';
import { VerifiableInferenceValidator } from '@mt/subnets/verifiable-inference';
import { createMetricsRegistry, startMetricsServer } from '@mt/telemetry';
import { ValidatorNode } from './validator-node.js';
import { APP_VERSION } from './version.js';

const NAMES = [
  'key',
  'chain',
  'text-model',
  'reward-model',
  'circuit',
  'text-netuid',
  'proofs-netuid',
  'stake',
  'interval-ms',
  'rounds',
  'sharpness',
  'metrics-port',
  'metrics-host',
];
const usage = `Usage: mt-validator --chain FILE [--config FILE] [options]

  --key FILE             hotkey file (created 0600 when missing; default ~/.moderntensor/validator.key)
  --chain FILE           the local chain (mt-chain init makes one)
  --text-model DIR|ID    validate text generation with this causal LM (any local folder or Hub id)
  --reward-model DIR|ID  ... scored by this reward model
  --circuit DIR          validate verifiable inference against this @mt/zkml circuit folder
  --stake RAO            stake to add on registration
  --interval-ms N        time between rounds (default 10000)
  --rounds N             stop after N rounds (default: run until stopped)
  --sharpness S          weights ∝ average^S (default 4)
  --metrics-port N       serve Prometheus metrics at http://HOST:N/metrics (default: off)
  --metrics-host H       ... on this address (default 127.0.0.1)
${LOGGING_USAGE}
Logs are JSON lines on stdout: one per round at info, with every miner's score.

Every option can come from the environment (MT_VALIDATOR_CHAIN, ...) or the JSON
config file (chain, textModel, ...); flags win over the environment over the file.
`;

async function main(): Promise<number> {
  const s = await programSettings(NAMES, 'MT_VALIDATOR_', usage);
  if (!s) return 0;
  if (!s.chain) throw new CliUsageError('give --chain FILE');
  const logger = programLogger('mt-validator', s);
  const registry = createMetricsRegistry({ service: 'mt-validator', version: APP_VERSION });
  const keyFile = s.key ?? join(homedir(), '.moderntensor', 'validator.key');
  const hotkey = await loadOrCreateHotkey(keyFile);
  const subnetMetrics = new SubnetMetrics(registry);
  const subnets: { netuid: number; subnet: SubnetValidator }[] = [];
  if (s['text-model']) {
    if (!s['reward-model']) throw new CliUsageError('--text-model needs --reward-model');
    subnets.push({
      netuid: Number(s['text-netuid'] ?? 1),
      subnet: await TextGenerationValidator.create({
        generator: s['text-model'],
        rewardModel: s['reward-model'],
        weights: { quality: 0.2, relevance: 0.05, length: 0.1, speed: 0.15, reproduction: 0.5 },
      }),
    });
  }
  if (s.circuit) {
    subnets.push({
      netuid: Number(s['proofs-netuid'] ?? 2),
      subnet: await VerifiableInferenceValidator.create({
        circuitDir: s.circuit,
        metrics: subnetMetrics,
      }),
    });
  }
  if (subnets.length === 0)
    throw new CliUsageError(
      'nothing to validate: give --text-model/--reward-model and/or --circuit',
    );
  const chain = instrumentChain(LocalChain.open(s.chain), registry);
  const metrics =
    s['metrics-port'] === undefined
      ? undefined
      : await startMetricsServer([registry], {
          port: Number(s['metrics-port']),
          host: s['metrics-host'] ?? '127.0.0.1',
        });
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    const nodes = [];
    for (const { netuid, subnet } of subnets) {
      await chain.register(netuid, hotkey.address);
      if (s.stake) await chain.addStake(netuid, hotkey.address, BigInt(s.stake));
      nodes.push({
        netuid,
        node: new ValidatorNode({
          hotkey,
          chain,
          netuid,
          subnet,
          sharpness: Number(s.sharpness ?? 4),
          registry,
          logger,
        }),
      });
    }
    logger.info(
      {
        address: hotkey.address,
        netuids: nodes.map((n) => n.netuid),
        metrics: metrics?.url ?? null,
        version: APP_VERSION,
      },
      'validating',
    );
    const rounds = s.rounds === undefined ? Number.POSITIVE_INFINITY : Number(s.rounds);
    const interval = Number(s['interval-ms'] ?? 10_000);
    for (let cycle = 0; cycle < rounds && !stop.signal.aborted; cycle += 1) {
      for (const { node } of nodes) {
        await node.round(cycle);
        await node.setWeights();
      }
      if (cycle + 1 < rounds) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          stop.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  } finally {
    logger.info('stopping');
    await metrics?.close();
    chain.close();
    await Promise.all(subnets.map(({ subnet }) => subnet.close?.()));
    logger.info('stopped');
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mt-validator: ${describeCause(error)}\n\n${usage}`);
    process.exitCode = 2;
  },
);
