import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadColdkey } from '@mt/chain';
import {
  amount,
  type CliRunner,
  coldkeyPassphrase,
  defineCli,
  finite,
  integer,
  loggingOptions,
  settingsSources,
  subnetNumber,
  type WalletOptionValues,
  walletOptions,
} from '@mt/cli';
import {
  chainHotkeyOf,
  instrumentChain,
  joinSubnet,
  openChain,
  programKeys,
  ValidatorNode,
} from '@mt/neurons';
import { CliUsageError, type SubnetValidator } from '@mt/protocol';
import { DEFAULT_SHARPNESS } from '@mt/scoring';
import { SubnetMetrics } from '@mt/subnets';
import {
  createLogger,
  createMetricsRegistry,
  resolveLogLevel,
  startMetricsServer,
} from '@mt/telemetry';
import { APP_VERSION } from './version.js';

interface ValidatorOptions extends WalletOptionValues {
  key: string;
  chain: string;
  allowPrivateEndpoints?: boolean;
  coldkey?: string;
  textModel?: string;
  rewardModel?: string;
  circuit?: string;
  textNetuid: number;
  proofsNetuid: number;
  stake?: bigint;
  intervalMs: number;
  rounds?: number;
  sharpness: number;
  maxFailures: number;
  metricsPort?: number;
  metricsHost: string;
  logLevel?: string;
  quiet?: boolean;
}

/**
 * `mt-validator`: validates the text-generation and/or verifiable-inference
 * subnet of a local chain on a schedule, with real models, until `signal`
 * fires (SIGINT/SIGTERM in the bin) or after `--rounds`. Logs are JSON lines
 * on stdout: one per round at info, with every miner's score.
 */
export const runValidatorCli: CliRunner = defineCli(
  {
    name: 'mt-validator',
    version: APP_VERSION,
    description: 'A ModernTensor validator: queries, checks and scores miners, and sets weights.',
  },
  (program, cli) => {
    program
      .option(
        '--key <file>',
        "hotkey file, created 0600 when missing (our envelope; --wallet instead for Bittensor's wire)",
        join(homedir(), '.moderntensor', 'validator.key'),
      )
      .requiredOption(
        '--chain <file-or-url>',
        'a LocalChain file (mt-chain genesis makes one) or a subtensor node, ws://… or wss://…',
      )
      .option(
        '--allow-private-endpoints',
        'also query miners on loopback or private addresses (a network on one machine or a LAN)',
      )
      .option(
        '--coldkey <keystore.json>',
        'registers and stakes with this coldkey (passphrase from $MT_COLDKEY_PASSPHRASE)',
      )
      .option('--text-model <dir-or-id>', 'validate text generation with this causal LM')
      .option('--reward-model <dir-or-id>', '... scored by this reward model')
      .option(
        '--circuit <dir>',
        'validate verifiable inference against this @mt/zkml circuit folder',
      )
      .option('--text-netuid <n>', 'the text-generation subnet', subnetNumber, 1)
      .option('--proofs-netuid <n>', 'the verifiable-inference subnet', subnetNumber, 2)
      .option('--stake <rao>', 'stake to add on registration', amount)
      .option('--interval-ms <ms>', 'time between rounds', integer({ min: 0 }), 10_000)
      .option(
        '--rounds <n>',
        'stop after this many rounds (default: run until stopped)',
        integer({ min: 1 }),
      )
      .option(
        '--sharpness <s>',
        'weights ∝ average^s (> 0)',
        finite({ above: 0 }),
        DEFAULT_SHARPNESS,
      )
      .option(
        '--max-failures <n>',
        'stop after this many failed rounds or weight updates in a row',
        integer({ min: 1 }),
        5,
      )
      .option(
        '--metrics-port <n>',
        'serve Prometheus metrics at http://HOST:N/metrics',
        integer({ min: 0, max: 65_535 }),
      )
      .option('--metrics-host <host>', 'where the metrics are served', '127.0.0.1');
    walletOptions(program);
    loggingOptions(program);
    settingsSources(program, { envPrefix: 'MT_VALIDATOR_' });
    program.action(async (options: ValidatorOptions) => {
      if (options.textModel !== undefined && options.rewardModel === undefined)
        throw new CliUsageError('--text-model needs --reward-model');
      if (options.textModel === undefined && options.circuit === undefined)
        throw new CliUsageError(
          'nothing to validate: give --text-model/--reward-model and/or --circuit',
        );
      const logger = createLogger({
        name: 'mt-validator',
        level: resolveLogLevel({ level: options.logLevel, quiet: options.quiet === true }),
      });
      const registry = createMetricsRegistry({ service: 'mt-validator', version: APP_VERSION });
      // A Bittensor wallet's sr25519 hotkey speaks Bittensor's wire; our key file, our envelope.
      const { hotkey, wire, wallet } = await programKeys({ ...options, keyFile: options.key });
      const subnetMetrics = new SubnetMetrics(registry);
      const subnets: { netuid: number; subnet: SubnetValidator }[] = [];
      if (options.textModel !== undefined && options.rewardModel !== undefined) {
        const { TextGenerationValidator } = await import('@mt/subnets/text-generation');
        subnets.push({
          netuid: options.textNetuid,
          subnet: await TextGenerationValidator.create({
            generator: options.textModel,
            rewardModel: options.rewardModel,
          }),
        });
      }
      if (options.circuit !== undefined) {
        const { VerifiableInferenceValidator } = await import('@mt/subnets/verifiable-inference');
        subnets.push({
          netuid: options.proofsNetuid,
          subnet: await VerifiableInferenceValidator.create({
            circuitDir: options.circuit,
            metrics: subnetMetrics,
          }),
        });
      }
      const allowPrivateEndpoints = options.allowPrivateEndpoints === true;
      const chain = instrumentChain(
        await openChain(options.chain, { allowPrivateEndpoints }),
        registry,
      );
      const chainKey = wallet?.chainHotkey ?? (await chainHotkeyOf(hotkey));
      // The wallet's coldkey is decrypted only if registering or staking needs it.
      const coldkey =
        options.coldkey === undefined
          ? wallet?.coldkey
          : await loadColdkey(options.coldkey, coldkeyPassphrase());
      const metrics =
        options.metricsPort === undefined
          ? undefined
          : await startMetricsServer([registry], {
              port: options.metricsPort,
              host: options.metricsHost,
            });
      try {
        const nodes = [];
        for (const { netuid, subnet } of subnets) {
          await joinSubnet(chain, {
            netuid,
            hotkey: chainKey,
            ...(coldkey ? { coldkey } : {}),
            ...(options.stake === undefined ? {} : { stake: options.stake }),
          });
          nodes.push({
            netuid,
            node: new ValidatorNode({
              hotkey,
              chain,
              netuid,
              subnet,
              sharpness: options.sharpness,
              registry,
              logger,
              wire,
              client: { allowPrivateEndpoints },
              dendrite: { allowPrivateEndpoints },
            }),
          });
        }
        logger.info(
          {
            address: hotkey.address,
            wire,
            chainHotkey: chainKey.address,
            netuids: nodes.map((n) => n.netuid),
            metrics: metrics?.url ?? null,
            version: APP_VERSION,
          },
          'validating',
        );
        // Each subnet's loop outlives its chain's refusals; when one halts, the others stop too.
        const halted = new AbortController();
        const signal = AbortSignal.any([cli.signal, halted.signal]);
        const runs = await Promise.allSettled(
          nodes.map(({ node }) =>
            node
              .run({
                signal,
                intervalMs: options.intervalMs,
                maxConsecutiveFailures: options.maxFailures,
                ...(options.rounds === undefined ? {} : { rounds: options.rounds }),
              })
              .catch((error: unknown) => {
                halted.abort(error);
                throw error;
              }),
          ),
        );
        const failed = runs.find((run) => run.status === 'rejected');
        if (failed) throw failed.reason;
      } finally {
        logger.info('stopping');
        await metrics?.close();
        await chain.close();
        await Promise.all(subnets.map(({ subnet }) => subnet.close?.()));
        logger.info('stopped');
      }
    });
  },
);
