import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadColdkey } from '@mt/chain';
import {
  amount,
  type CliRunner,
  coldkeyPassphrase,
  defineCli,
  integer,
  loggingOptions,
  Option,
  settingsSources,
  subnetNumber,
  type WalletOptionValues,
  walletOptions,
} from '@mt/cli';
import {
  type ChainBlacklist,
  chainHotkeyOf,
  DEFAULT_MIN_VALIDATOR_STAKE,
  joinSubnet,
  type MinerJob,
  openChain,
  programKeys,
  type ServedSubnet,
  serveMinerJobs,
  startMinerNode,
  validatorsOnChain,
} from '@mt/neurons';
import { BullJobQueue } from '@mt/processors';
import { CliUsageError, type Result } from '@mt/protocol';
import { SubnetMetrics, withResilience } from '@mt/subnets';
import { createLogger, createMetricsRegistry, resolveLogLevel } from '@mt/telemetry';
import { cheatingStrategy, lazyStrategy } from './strategies.js';
import { APP_VERSION } from './version.js';

interface MinerOptions extends WalletOptionValues {
  key: string;
  host: string;
  port: number;
  textModel?: string;
  circuit?: string;
  chain?: string;
  allowPrivateEndpoints?: boolean;
  minValidatorStake: bigint;
  coldkey?: string;
  publicUrl?: string;
  textNetuid: number;
  proofsNetuid: number;
  redis?: string;
  worker?: boolean;
  strategy: 'honest' | 'lazy' | 'cheating';
  logLevel?: string;
  quiet?: boolean;
}

/**
 * `mt-miner`: serves the text-generation and/or verifiable-inference subnet
 * on real models, registered on a local chain, until `signal` fires
 * (SIGINT/SIGTERM in the bin). Logs are JSON lines on stdout.
 */
export const runMinerCli: CliRunner = defineCli(
  {
    name: 'mt-miner',
    version: APP_VERSION,
    description:
      "A ModernTensor miner: serves subnets on real models. GET /metrics on the miner's port serves its Prometheus metrics.",
  },
  (program, cli) => {
    program
      .option(
        '--key <file>',
        "hotkey file, created 0600 when missing (our envelope; --wallet instead for Bittensor's wire)",
        join(homedir(), '.moderntensor', 'miner.key'),
      )
      .option('--host <host>', 'where to listen', '127.0.0.1')
      .option('--port <n>', 'where to listen (0: a free port)', integer({ min: 0, max: 65_535 }), 0)
      .option('--text-model <dir-or-id>', 'serve text generation with this causal LM')
      .option('--circuit <dir>', 'serve verifiable inference with this @mt/zkml circuit folder')
      .option(
        '--chain <file-or-url>',
        'publish where it serves on this chain (a LocalChain file, or ws://… for subtensor) and serve only validators staked there',
      )
      .option(
        '--allow-private-endpoints',
        'publish a loopback or private address (a network on one machine or a LAN)',
      )
      .option(
        '--min-validator-stake <rao>',
        'serve only validators (a permit) with at least this stake',
        amount,
        DEFAULT_MIN_VALIDATOR_STAKE,
      )
      .option(
        '--coldkey <keystore.json>',
        'registers the hotkey with this coldkey when it is not yet (passphrase from $MT_COLDKEY_PASSPHRASE)',
      )
      .option('--public-url <url>', 'the URL published on chain (default: where it listens)')
      .option('--text-netuid <n>', 'the text-generation subnet', subnetNumber, 1)
      .option('--proofs-netuid <n>', 'the verifiable-inference subnet', subnetNumber, 2)
      .option('--redis <url>', 'queue tasks on Redis so workers on other machines share them')
      .option('--worker', 'only work the Redis queue (no server)')
      .addOption(
        new Option('--strategy <behaviour>', "the demo's behaviours")
          .choices(['honest', 'lazy', 'cheating'])
          .default('honest'),
      );
    walletOptions(program);
    loggingOptions(program);
    settingsSources(program, { envPrefix: 'MT_MINER_' });
    program.action(async (options: MinerOptions) => {
      if (options.worker && !options.redis) throw new CliUsageError('--worker needs --redis URL');
      const logger = createLogger({
        name: 'mt-miner',
        level: resolveLogLevel({ level: options.logLevel, quiet: options.quiet === true }),
      });
      // One registry for the whole process: the wire, every subnet, the defaults.
      const registry = createMetricsRegistry({ service: 'mt-miner', version: APP_VERSION });
      const strategy = { honest: undefined, lazy: lazyStrategy, cheating: cheatingStrategy }[
        options.strategy
      ];
      const metrics = new SubnetMetrics(registry);
      const served: (ServedSubnet & { netuid: number })[] = [];
      if (options.textModel === undefined && options.circuit === undefined)
        throw new CliUsageError('nothing to serve: give --text-model and/or --circuit');
      // A Bittensor wallet's sr25519 hotkey speaks Bittensor's wire; our key file, our envelope.
      const { hotkey, wire, wallet } = await programKeys({ ...options, keyFile: options.key });
      if (options.textModel !== undefined) {
        const { TextGenerationMiner } = await import('@mt/subnets/text-generation');
        const text = await TextGenerationMiner.create({ generator: options.textModel });
        served.push({
          miner: withResilience(text, { metrics }),
          netuid: options.textNetuid,
          ...(strategy ? { strategy } : {}),
        });
      }
      if (options.circuit !== undefined) {
        const { VerifiableInferenceMiner } = await import('@mt/subnets/verifiable-inference');
        const proofs = await VerifiableInferenceMiner.create({
          circuitDir: options.circuit,
          metrics,
        });
        served.push({
          miner: withResilience(proofs, { metrics }),
          netuid: options.proofsNetuid,
          ...(strategy ? { strategy } : {}),
        });
      }

      const chain =
        options.chain === undefined
          ? undefined
          : await openChain(options.chain, {
              allowPrivateEndpoints: options.allowPrivateEndpoints === true,
            });
      let validators: ChainBlacklist | undefined;
      if (chain) {
        validators = await validatorsOnChain(
          chain,
          served.map((x) => x.netuid),
          {
            minStake: options.minValidatorStake,
            wire,
            onError: (error) =>
              logger.warn({ err: error }, 'could not read the validators on chain'),
          },
        );
      }
      const queue =
        options.redis === undefined
          ? undefined
          : await BullJobQueue.open<MinerJob, Result>({
              name: `mt-miner-${hotkey.address}`,
              redisUrl: options.redis,
            });
      if (queue) serveMinerJobs(queue, served);
      const server = options.worker
        ? undefined
        : await startMinerNode({
            hotkey,
            wire,
            subnets: served,
            host: options.host,
            port: options.port,
            registry,
            logger,
            ...(queue ? { jobQueue: queue } : {}),
            ...(validators
              ? { blacklist: validators.blacklist, priority: validators.priority }
              : {}),
          });
      if (server && chain) {
        const chainKey = wallet?.chainHotkey ?? (await chainHotkeyOf(hotkey));
        // The wallet's coldkey is decrypted only if a subnet must register the hotkey.
        const coldkey =
          options.coldkey === undefined
            ? wallet?.coldkey
            : await loadColdkey(options.coldkey, coldkeyPassphrase());
        for (const { netuid } of served) {
          await joinSubnet(chain, {
            netuid,
            hotkey: chainKey,
            endpoint: options.publicUrl ?? server.url,
            ...(coldkey ? { coldkey } : {}),
          });
        }
      }
      logger.info(
        {
          address: hotkey.address,
          wire,
          url: server?.url ?? null,
          subnets: served.map((x) => x.miner.name),
          worker: !server,
          version: APP_VERSION,
        },
        'listening',
      );
      if (!cli.signal.aborted)
        await new Promise((resolve) =>
          cli.signal.addEventListener('abort', resolve, { once: true }),
        );
      logger.info('stopping');
      await server?.close();
      await queue?.close();
      validators?.close();
      await chain?.close();
      await Promise.all(served.map(({ miner }) => miner.close?.()));
      logger.info('stopped');
    });
  },
);
