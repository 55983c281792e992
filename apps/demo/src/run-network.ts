import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cheatingStrategy, lazyStrategy } from '@mt/app-miner';
import { type ChainClient, generateKeypair } from '@mt/chain';
import {
  type AnswerStrategy,
  chainHotkeyOf,
  joinSubnet,
  type MinerNode,
  type MinerRound,
  type NeuronHotkey,
  type NeuronWire,
  senderAddressOf,
  startMinerNode,
  ValidatorNode,
  validatorsOnChain,
  walletNeuronKeys,
} from '@mt/neurons';
import type { SubnetValidator } from '@mt/protocol';
import { DEFAULT_SHARPNESS } from '@mt/scoring';
import { TextGenerationMiner, TextGenerationValidator } from '@mt/subnets/text-generation';
import {
  VerifiableInferenceMiner,
  VerifiableInferenceValidator,
} from '@mt/subnets/verifiable-inference';
import { makeModels } from '@mt/testing';
import { Hotkey } from '@mt/wire';
import { writeBittensorHotkey } from '@mt/wire/bittensor';
import { CircuitCompiler, setupCircuit } from '@mt/zkml';
import { type DemoChain, localDemoChain } from './demo-chain.js';
import { trainDigits } from './digits.js';

/** The demo's subnets on the local chain. */
export const DEMO_SUBNETS = [
  { netuid: 1, name: 'text-generation' },
  { netuid: 2, name: 'verifiable-inference' },
] as const;

/** Blocks per epoch on the demo's subnets. */
const TEMPO = 4;
/** The validators' weights are proportional to average^SHARPNESS: the library's default. */
const SHARPNESS = DEFAULT_SHARPNESS;

/** The demo's miners and what each does. */
export const DEMO_MINERS: { name: string; behaviour: string; strategy?: AnswerStrategy }[] = [
  { name: 'honest', behaviour: 'runs the model, proves every answer' },
  { name: 'lazy', behaviour: 'two words, no proof', strategy: lazyStrategy },
  { name: 'cheater', behaviour: 'canned text, forged proofs', strategy: cheatingStrategy },
];

/** One epoch's outcome per UID as the chain stored it, read back from its metagraph. */
export interface EpochRecord {
  netuid: number;
  block: number;
  uids: number[];
  /** Wire addresses of the UIDs' hotkeys (`mt…` on our envelope, SS58 on Bittensor's wire). */
  hotkeys: string[];
  consensus: number[];
  incentive: number[];
  dividends: number[];
  validatorTrust: number[];
  /** Rao the epoch paid each UID. */
  emission: bigint[];
}

/** Reads the epoch the chain just ran on `netuid`, and adds what it paid to `earnings`. */
async function readEpoch(
  chain: ChainClient,
  netuid: number,
  earnings: Map<string, bigint>,
  nameOf: (chainHotkey: string) => string,
): Promise<EpochRecord> {
  const graph = await chain.metagraph(netuid);
  const hotkeys = graph.neurons.map((n) => nameOf(n.hotkey));
  graph.neurons.forEach((n, i) => {
    const key = hotkeys[i] as string;
    earnings.set(key, (earnings.get(key) ?? 0n) + n.emission);
  });
  return {
    netuid,
    block: graph.block,
    uids: graph.neurons.map((n) => n.uid),
    hotkeys,
    consensus: graph.neurons.map((n) => n.consensus),
    incentive: graph.neurons.map((n) => n.incentive),
    dividends: graph.neurons.map((n) => n.dividends),
    validatorTrust: graph.neurons.map((n) => n.trust),
    emission: graph.neurons.map((n) => n.emission),
  };
}

/** Everything a demo run produced, for the table, the report and the dashboard. */
export interface DemoRun {
  miners: { name: string; behaviour: string; hotkey: string }[];
  validators: { hotkey: string; stake: bigint }[];
  /** Per subnet: the epochs the chain ran. */
  epochs: Record<number, EpochRecord[]>;
  /** Per epoch, per subnet, per validator: the round's outcomes. */
  rounds: { epoch: number; netuid: number; validator: string; outcomes: MinerRound[] }[];
  /** Per subnet: rao earned by hotkey. */
  earnings: Record<number, Map<string, bigint>>;
  /** Per epoch, subnet and validator: its weights on the chain, per miner hotkey (max 1). */
  weights: { epoch: number; netuid: number; validator: string; byMiner: Record<string, number> }[];
  digitsAccuracy: number;
  /** What ran: start time, versions and configuration, for the report's header. */
  meta: {
    startedAt: string;
    node: string;
    chain: string;
    /** The wire the neurons spoke, in words. */
    wire: string;
    epochs: number;
    tempo: number;
    sharpness: number;
    subnets: { netuid: number; name: string }[];
  };
  /** `running` until the last epoch is in. */
  status: 'running' | 'finished';
  /**
   * The proof subnet's public files, for a reader to re-check its proofs:
   * the circuit's description, its verification key and the ONNX model, each
   * with its SHA-256 (`path` stays on this machine: `/run.json` leaves it out).
   */
  proofFiles?: { netuid: number; files: { name: string; path: string; sha256: string }[] };
}

/** Options of {@link runDemoNetwork}. */
export interface DemoOptions {
  /** Where models, the circuit and the chain live (reused across runs). */
  workDir: string;
  epochs?: number;
  onProgress?: (message: string) => void;
  /** Called after every epoch with the run so far (the live dashboard listens). */
  onCycle?: (run: DemoRun) => void;
  /** The chain; default a fresh `LocalChain` in `workDir`. */
  chain?: (tempo: number) => Promise<DemoChain>;
  /**
   * The wire the neurons speak: our signed envelope (default), or
   * Bittensor's Synapse wire with sr25519 hotkeys, as Bittensor's own neurons.
   */
  wire?: NeuronWire;
}

/**
 * Runs the demo network on loopback: a local chain with a text-generation
 * and a verifiable-inference subnet, three miners (honest, lazy, cheating)
 * serving both through the signed wire (ours, or Bittensor's Synapse wire
 * with `wire: 'bittensor'`), and two validators with different
 * stake that query, score, and commit-reveal weights; the chain runs Yuma
 * each tempo and pays emissions.
 */
export async function runDemoNetwork(options: DemoOptions): Promise<DemoRun> {
  const say = options.onProgress ?? (() => {});
  const startedAt = new Date().toISOString();
  const epochs = options.epochs ?? 5;
  await mkdir(options.workDir, { recursive: true });

  say('[1/5] Making the text models (tiny GPT-2 with the real GPT-2 tokenizer, reward model)...');
  const models = await makeModels(join(options.workDir, 'models'));

  say('[2/5] Training the digits model on real MNIST (14x14)...');
  const digits = trainDigits();
  say(`      held-out accuracy ${(100 * digits.accuracy).toFixed(1)} %`);

  say('[3/5] Compiling the digits circuit and running its trusted setup...');
  const circuit = await new CircuitCompiler({ onProgress: (m) => say(`      ${m}`) }).compileModel(
    digits.onnx,
    join(options.workDir, 'digits-circuit'),
    { inputBits: 10 },
  );
  await setupCircuit(circuit, { onProgress: (m) => say(`      ${m.split('\n')[0]}`) });
  const modelPath = join(options.workDir, 'digits.onnx');
  await writeFile(modelPath, digits.onnx);
  const publicFiles = await Promise.all(
    [
      { name: 'circuit.json', path: circuit.file('circuit.json') },
      { name: 'verification_key.json', path: circuit.file('verification_key.json') },
      { name: 'model.onnx', path: modelPath },
    ].map(async (file) => ({
      ...file,
      sha256: createHash('sha256')
        .update(await readFile(file.path))
        .digest('hex'),
    })),
  );

  say('[4/5] Starting the chain, 3 miners and 2 validators on loopback...');
  // Each role loads only its own models: the miners' generator and prover
  // are not the validators' reward model and verifier.
  const [textMiner, textValidator, proofMiner, proofValidator] = await Promise.all([
    TextGenerationMiner.create({ generator: models.generator }),
    TextGenerationValidator.create({
      generator: models.generator,
      rewardModel: models.reward,
    }),
    VerifiableInferenceMiner.create({ circuitDir: circuit.dir }),
    VerifiableInferenceValidator.create({
      circuitDir: circuit.dir,
      sampleInput: () => digits.heldOut[randomInt(digits.heldOut.length)] ?? [],
    }),
  ]);
  const subnets: Record<number, SubnetValidator> = { 1: textValidator, 2: proofValidator };
  const roles = [textMiner, textValidator, proofMiner, proofValidator];

  // A fresh chain each run; models and the circuit are reused. Every call is signed:
  // the owner's coldkey pays registrations and stake, each hotkey signs its own.
  const demoChain = await (
    options.chain ?? (() => localDemoChain(join(options.workDir, 'chain.sqlite')))
  )(TEMPO);
  const { client: chain, owner } = demoChain;
  const wire = options.wire ?? 'envelope';
  // On Bittensor's wire each neuron's hotkey lives in a Bittensor wallet (btcli's layout), read back as btwallet does.
  const wallets = join(options.workDir, 'wallets');
  const newHotkey = async (name: string): Promise<NeuronHotkey> => {
    if (wire !== 'bittensor') return Hotkey.generate();
    const location = { wallet: `demo-${name}`, hotkey: 'default', path: wallets };
    await writeBittensorHotkey(location, randomBytes(32), { overwrite: true });
    return (await walletNeuronKeys(location)).hotkey;
  };
  /** The demo names every neuron as its wire does. */
  const nameOf = (chainHotkey: string) => senderAddressOf(chainHotkey, wire);
  const validatorKeys = [await newHotkey('validator-1'), await newHotkey('validator-2')];
  // Large beside what the owner's hotkey (UID 0, a validator with no weights) holds on subtensor: its lock, and the
  // emission it collects before the validators weight anyone. Yuma pays only what a majority of stake agrees on.
  const stakes = [3_000n * 10n ** 9n, 1_000n * 10n ** 9n];
  const netuids: number[] = [];
  for (const _ of DEMO_SUBNETS) {
    const netuid = await chain.createSubnet(owner, (await generateKeypair('ed25519')).pair.address);
    netuids.push(netuid);
    await chain.setHyperparameters(demoChain.admin, netuid, {
      tempo: TEMPO,
      commitRevealEnabled: true,
      commitRevealPeriod: demoChain.revealPeriod,
      weightsRateLimit: 0,
      targetRegistrationsPerInterval: 100,
      maxRegistrationsPerBlock: 100,
    });
    await demoChain.prepareSubnet(netuid);
    for (const [i, key] of validatorKeys.entries()) {
      await joinSubnet(chain, {
        netuid,
        hotkey: await chainHotkeyOf(key),
        coldkey: owner,
        stake: stakes[i] ?? 0n,
      });
    }
  }
  /** Builds blocks until every demo subnet has run its next epoch. */
  const nextEpochs = async () => {
    const head = await chain.head();
    const due = await Promise.all(netuids.map((netuid) => chain.nextEpochBlock(netuid, head + 1)));
    await demoChain.newBlocks(Math.max(...due) - head);
  };
  // The first epoch gives the staked validators their permits.
  await nextEpochs();
  // Miners serve only the validators staked on the chain; everyone else is refused first.
  // Both validators, and no miner: what spec 202 reports as stake is not the rao staked (the
  // 1,000 TAO validator reads about 150 TAO there), so the demo's bar sits well under both
  // and over anything a miner earns in five epochs.
  const validators = await validatorsOnChain(chain, netuids, { minStake: 100n * 10n ** 9n, wire });
  const servers: MinerNode[] = [];
  const minerKeys: NeuronHotkey[] = [];
  for (const miner of DEMO_MINERS) minerKeys.push(await newHotkey(`miner-${miner.name}`));
  try {
    for (const [i, miner] of DEMO_MINERS.entries()) {
      const hotkey = minerKeys[i] as NeuronHotkey;
      const served = [textMiner, proofMiner].map((subnetMiner) => ({
        miner: subnetMiner,
        ...(miner.strategy ? { strategy: miner.strategy } : {}),
      }));
      const server = await startMinerNode({
        hotkey,
        wire,
        subnets: served,
        blacklist: validators.blacklist,
        priority: validators.priority,
        host: demoChain.minerHost,
      });
      servers.push(server);
      for (const netuid of netuids)
        await joinSubnet(chain, {
          netuid,
          hotkey: await chainHotkeyOf(hotkey),
          coldkey: owner,
          endpoint: server.url,
        });
      say(`      miner ${miner.name.padEnd(8)} ${server.url}  ${hotkey.address}`);
    }
    const nodes = validatorKeys.flatMap((hotkey) =>
      DEMO_SUBNETS.map(({ netuid: demoNetuid }, i) => ({
        netuid: netuids[i] as number,
        hotkey,
        node: new ValidatorNode({
          hotkey,
          chain,
          netuid: netuids[i] as number,
          subnet: subnets[demoNetuid] as SubnetValidator,
          sharpness: SHARPNESS,
          wire,
          // The demo's miners listen on loopback.
          client: { allowPrivateEndpoints: true },
          dendrite: { allowPrivateEndpoints: true },
        }),
      })),
    );
    const run: DemoRun = {
      miners: DEMO_MINERS.map((m, i) => ({
        name: m.name,
        behaviour: m.behaviour,
        hotkey: minerKeys[i]?.address ?? '',
      })),
      validators: validatorKeys.map((k, i) => ({ hotkey: k.address, stake: stakes[i] ?? 0n })),
      epochs: {},
      rounds: [],
      earnings: {},
      weights: [],
      digitsAccuracy: digits.accuracy,
      meta: {
        startedAt,
        node: process.versions.node,
        chain: demoChain.label,
        wire:
          wire === 'bittensor'
            ? "Bittensor's Synapse wire (sr25519)"
            : 'ModernTensor envelope (ed25519)',
        epochs,
        tempo: TEMPO,
        sharpness: SHARPNESS,
        subnets: DEMO_SUBNETS.map((s, i) => ({ ...s, netuid: netuids[i] as number })),
      },
      status: 'running',
      proofFiles: {
        netuid: netuids[DEMO_SUBNETS.findIndex((s) => s.name === 'verifiable-inference')] as number,
        files: publicFiles,
      },
    };

    say(`[5/5] Running ${epochs} epochs on both subnets...`);
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      const rounds = await Promise.all(
        nodes.map(async (n) => ({ ...n, outcomes: await n.node.round(epoch) })),
      );
      for (const r of rounds)
        run.rounds.push({
          epoch,
          netuid: r.netuid,
          validator: r.hotkey.address,
          // The demo names every neuron by its wire address.
          outcomes: r.outcomes.map((o) => ({ ...o, hotkey: nameOf(o.hotkey) })),
        });
      // Each validator reveals what it committed last epoch (its reveal window is this
      // epoch) and commits this round's weights; then the chain runs the next epoch.
      for (const { node } of nodes) await node.setWeights();
      await nextEpochs();
      for (const netuid of netuids) {
        const earnings = run.earnings[netuid] ?? new Map<string, bigint>();
        run.earnings[netuid] = earnings;
        run.epochs[netuid] = [
          ...(run.epochs[netuid] ?? []),
          await readEpoch(chain, netuid, earnings, nameOf),
        ];
        const { neurons } = await chain.metagraph(netuid);
        for (const key of validatorKeys) {
          const byMiner: Record<string, number> = {};
          const uid = neurons.find((n) => nameOf(n.hotkey) === key.address)?.uid ?? -1;
          for (const [target, weight] of await chain.weightsOf(netuid, uid)) {
            const hotkey = neurons.find((n) => n.uid === target)?.hotkey;
            if (hotkey) byMiner[nameOf(hotkey)] = weight / 65535;
          }
          run.weights.push({ epoch, netuid, validator: key.address, byMiner });
        }
      }
      const summary = DEMO_SUBNETS.map(({ name }, s) => {
        const netuid = netuids[s] as number;
        const scores = DEMO_MINERS.map((m, i) => {
          const mine = rounds
            .filter((r) => r.netuid === netuid)
            .flatMap((r) =>
              r.outcomes
                .filter((o) => nameOf(o.hotkey) === minerKeys[i]?.address)
                .map((o) => o.score),
            );
          return `${m.name} ${(mine.reduce((a, b) => a + b, 0) / Math.max(mine.length, 1)).toFixed(2)}`;
        });
        return `${name}: ${scores.join(', ')}`;
      });
      say(
        `      epoch ${epoch + 1}/${epochs} at block ${await chain.head()}  ${summary.join('  |  ')}`,
      );
      if (epoch + 1 === epochs) run.status = 'finished';
      options.onCycle?.(run);
    }
    return run;
  } finally {
    validators.close();
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(roles.map((role) => role.close()));
    await demoChain.close();
  }
}
