#!/usr/bin/env node
/**
 * `mt-miner`: serves the text-generation and/or verifiable-inference subnet
 * on real models, registered on a local chain, until SIGINT or SIGTERM.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { LocalChain } from '@mt/app-chain';
import { BullJobQueue } from '@mt/processors';
import type { Result } from '@mt/protocol';
import { CliUsageError, describeCause } from '@mt/protocol';
import { SubnetMetrics, withResilience } from '@mt/subnets';
import { TextGenerationMiner } from '@mt/subnets/text-generation';
import { VerifiableInferenceMiner } from '@mt/subnets/verifiable-inference';
import { createMetricsRegistry } from '@mt/telemetry';
import { type ChainBlacklist, validatorsOnChain } from './chain-blacklist.js';
import { type MinerJob, type ServedSubnet, serveMinerJobs, startMinerNode } from './miner-node.js';
import { LOGGING_USAGE, loadOrCreateHotkey, programLogger, programSettings } from './settings.js';
import { cheatingStrategy, lazyStrategy } from './strategies.js';
import { APP_VERSION } from './version.js';

const NAMES = [
  'key',
  'host',
  'port',
  'chain',
  'text-model',
  'circuit',
  'redis',
  'text-netuid',
  'proofs-netuid',
  'strategy',
  'worker',
];
const usage = `Usage: mt-miner [--config FILE] [options]

  --key FILE             hotkey file (created 0600 when missing; default ~/.moderntensor/miner.key)
  --host H --port N      where to listen (default 127.0.0.1, a free port)
  --text-model DIR|ID    serve text generation with this causal LM (any local folder or Hub id)
  --circuit DIR          serve verifiable inference with this @mt/zkml circuit folder
  --chain FILE           register on this local chain (subnets --text-netuid 1, --proofs-netuid 2),
                         and serve only validators staked there
  --redis URL            queue tasks on Redis so workers on other machines share them
  --worker true          only work the Redis queue (no server)
  --strategy honest|lazy|cheating   the demo's behaviours (default honest)
${LOGGING_USAGE}
Logs are JSON lines on stdout (one per request at debug); GET /metrics on the
miner's port serves its Prometheus metrics.

Every option can come from the environment (MT_MINER_TEXT_MODEL, ...) or the
JSON config file (textModel, ...); flags win over the environment over the file.
`;

async function main(): Promise<number> {
  const s = await programSettings(NAMES, 'MT_MINER_', usage);
  if (!s) return 0;
  const logger = programLogger('mt-miner', s);
  // One registry for the whole process: the wire, every subnet, the defaults.
  const registry = createMetricsRegistry({ service: 'mt-miner', version: APP_VERSION });
  const keyFile = s.key ?? join(homedir(), '.moderntensor', 'miner.key');
  const hotkey = await loadOrCreateHotkey(keyFile);
  const strategy = { honest: undefined, lazy: lazyStrategy, cheating: cheatingStrategy }[
    s.strategy ?? 'honest'
  ];
  if (s.strategy && !['honest', 'lazy', 'cheating'].includes(s.strategy))
    throw new CliUsageError('--strategy must be honest, lazy or cheating');
  const metrics = new SubnetMetrics(registry);
  const served: (ServedSubnet & { netuid: number })[] = [];
  if (s['text-model']) {
    const text = await TextGenerationMiner.create({ generator: s['text-model'] });
    served.push({
      miner: withResilience(text, { metrics }),
      netuid: Number(s['text-netuid'] ?? 1),
      ...(strategy ? { strategy } : {}),
    });
  }
  if (s.circuit) {
    const proofs = await VerifiableInferenceMiner.create({ circuitDir: s.circuit, metrics });
    served.push({
      miner: withResilience(proofs, { metrics }),
      netuid: Number(s['proofs-netuid'] ?? 2),
      ...(strategy ? { strategy } : {}),
    });
  }
  if (served.length === 0)
    throw new CliUsageError('nothing to serve: give --text-model and/or --circuit');

  const chain = s.chain ? LocalChain.open(s.chain) : undefined;
  let validators: ChainBlacklist | undefined;
  if (chain) {
    validators = await validatorsOnChain(
      chain,
      served.map((x) => x.netuid),
      { onError: (error) => logger.warn({ err: error }, 'could not read the validators on chain') },
    );
  }
  const queue = s.redis
    ? await BullJobQueue.open<MinerJob, Result>({
        name: `mt-miner-${hotkey.address}`,
        redisUrl: s.redis,
      })
    : undefined;
  if (queue) serveMinerJobs(queue, served);
  const server =
    s.worker === 'true'
      ? undefined
      : await startMinerNode({
          hotkey,
          subnets: served,
          host: s.host ?? '127.0.0.1',
          port: Number(s.port ?? 0),
          registry,
          logger,
          ...(queue ? { jobQueue: queue } : {}),
          ...(validators ? { blacklist: validators.blacklist } : {}),
        });
  if (server && chain) {
    for (const { netuid } of served) await chain.register(netuid, hotkey.address, server.url);
  }
  logger.info(
    {
      address: hotkey.address,
      url: server?.url ?? null,
      subnets: served.map((x) => x.miner.name),
      worker: !server,
      version: APP_VERSION,
    },
    'listening',
  );
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'stopping');
  await server?.close();
  await queue?.close();
  validators?.close();
  chain?.close();
  await Promise.all(served.map(({ miner }) => miner.close?.()));
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mt-miner: ${describeCause(error)}\n\n${usage}`);
    process.exitCode = 2;
  },
);
