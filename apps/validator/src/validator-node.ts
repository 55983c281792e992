import { randomBytes } from 'node:crypto';
import type { ChainClient, WeightReveal } from '@mt/app-chain';
import { weightCommitHash } from '@mt/app-chain';
import {
  describeCause,
  type MtLogger,
  parseResult,
  type Result,
  resultSchema,
  type SubnetProtocol,
  silentLogger,
} from '@mt/protocol';
import { type Hotkey, type QueryStatus, ValidatorClient } from '@mt/protocol/wire';
import type { Registry } from '@mt/telemetry';
import { ValidatorMetrics } from './validator-metrics.js';

/** Characters of a miner's answer kept as its sample (for dashboards and logs). */
const SAMPLE_CHARS = 160;

/** What happened to one miner in one round. */
export interface MinerRound {
  uid: number;
  hotkey: string;
  /** This round's score (0 when the miner failed, with `error`). */
  score: number;
  /** The moving average after this round. */
  average: number;
  /** Time from sending the task to the verified answer, measured by this validator. */
  latencyMs: number;
  /** How the query ended (`ok`, `timeout`, `refused`, `bad_signature`, ...). */
  status: QueryStatus | 'no_answer';
  /** The start of the answer (its text, or its predicted class), for people to read. */
  sample?: string;
  /** For subnets with proofs: whether the proof verified. */
  proofValid?: boolean;
  /** Why the proof or the answer was refused: a stable code (`wrong_input`, `missing`, ...). */
  proofCode?: string;
  /** ... and the reason in words. */
  proofReason?: string;
  error?: string;
}

/** Options of {@link ValidatorNode}. */
export interface ValidatorNodeOptions {
  hotkey: Hotkey;
  chain: ChainClient;
  netuid: number;
  /** The subnet (after `setup()`), used to create tasks and score answers. */
  subnet: SubnetProtocol;
  /** Weight of the newest score in the moving average. Default 0.3. */
  alpha?: number;
  /** Time a miner has to answer, in ms. Default 30 s. */
  timeoutMs?: number;
  /** Task difficulty for a round (default: cycles through 0.2, 0.5, 0.8). */
  difficulty?: (cycle: number) => number;
  /**
   * Weights are proportional to `average ^ sharpness`. Default 1; higher
   * values starve miners far below the best (a validator's policy, not the
   * chain's).
   */
  sharpness?: number;
  /** Where the validator's metrics go (see {@link ValidatorMetrics}); default: not recorded. */
  registry?: Registry;
  /** One line per round at info, each weight update at info, failures at warn. Default: silent. */
  logger?: MtLogger;
}

/** The readable start of an answer: its text, else its predicted class, else its JSON. */
function sampleOf(result: Result): string {
  const data = result.resultData;
  const text =
    typeof data.text === 'string'
      ? data.text
      : typeof data.predicted === 'number'
        ? `predicted ${data.predicted}`
        : JSON.stringify(data);
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

function stringField(metadata: Record<string, unknown>, field: string): string | undefined {
  const value = metadata[field];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A validator on one subnet: each round it gives every registered miner a
 * task over the signed wire, scores the answers with the subnet, and keeps a
 * moving average per miner — only for miners it actually queried this round.
 * A miner that is down, slow or wrong scores 0 for the round and never breaks
 * it. `setWeights` commits the averages to the chain and reveals them once
 * the reveal delay has passed. A restarted validator starts its averages from
 * the weights it has on the chain.
 */
export class ValidatorNode {
  readonly #options: ValidatorNodeOptions;
  readonly #client: ValidatorClient;
  readonly #averages = new Map<number, number>();
  #pending: { reveal: WeightReveal; block: number } | undefined;
  #resumed = false;
  readonly #metrics: ValidatorMetrics | undefined;
  readonly #logger: MtLogger;
  readonly #netuidLabel: { netuid: string };

  constructor(options: ValidatorNodeOptions) {
    this.#options = options;
    this.#metrics = options.registry ? new ValidatorMetrics(options.registry) : undefined;
    this.#netuidLabel = { netuid: String(options.netuid) };
    this.#logger = (options.logger ?? silentLogger).child({
      netuid: options.netuid,
      validator: options.hotkey.address,
    });
    this.#client = new ValidatorClient({
      hotkey: options.hotkey,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
  }

  /** The current moving averages by UID. */
  get averages(): ReadonlyMap<number, number> {
    return this.#averages;
  }

  async #resume(): Promise<void> {
    if (this.#resumed) return;
    this.#resumed = true;
    const { chain, netuid, hotkey } = this.#options;
    const stored = await chain.weightsOf(netuid, hotkey.address);
    const sharpness = this.#options.sharpness ?? 1;
    for (const [uid, weight] of stored)
      this.#averages.set(uid, (weight / 65535) ** (1 / sharpness));
  }

  /** Queries every miner once and updates the moving averages of those queried. */
  async round(cycle: number): Promise<MinerRound[]> {
    await this.#resume();
    const started = performance.now();
    const { chain, netuid, subnet } = this.#options;
    const alpha = this.#options.alpha ?? 0.3;
    const taskType = subnet.getMetadata().name;
    const difficulty = this.#options.difficulty?.(cycle) ?? [0.2, 0.5, 0.8][cycle % 3] ?? 0.5;
    const miners = (await chain.neurons(netuid)).filter(
      (n) => n.url !== '' && n.hotkey !== this.#options.hotkey.address,
    );
    const outcomes = await Promise.all(
      miners.map(async (miner): Promise<MinerRound> => {
        const task = await subnet.createTask({
          minerUid: String(miner.uid),
          difficulty,
          subnetUid: netuid,
          cycle,
        });
        const [outcome] = await this.#client.query(
          [{ address: miner.hotkey, url: miner.url }],
          taskType,
          task,
          {
            responseSchema: resultSchema,
          },
        );
        let score = 0;
        let error: string | undefined;
        let sample: string | undefined;
        let proof: Pick<MinerRound, 'proofValid' | 'proofCode' | 'proofReason'> = {};
        try {
          if (outcome?.status !== 'ok')
            throw new Error(`${outcome?.status ?? 'no answer'}: ${outcome?.message ?? ''}`.trim());
          const result = parseResult(outcome.result);
          sample = sampleOf(result);
          const verdict = subnet.requiresProof()
            ? await subnet.verifyProof(task, result)
            : undefined;
          const scored = await subnet.scoreResult(task, result);
          score = scored.value;
          // The subnet's own scoring knows why (a code and words); the generic verdict only whether.
          const code = stringField(scored.metadata, 'code');
          const reason =
            stringField(scored.metadata, 'reason') ??
            (verdict && !verdict.valid ? verdict.reason : undefined);
          proof = {
            ...(verdict ? { proofValid: verdict.valid } : {}),
            ...(code === undefined ? {} : { proofCode: code }),
            ...(reason === undefined ? {} : { proofReason: reason }),
          };
        } catch (failure) {
          error = describeCause(failure);
        }
        const previous = this.#averages.get(miner.uid) ?? 0;
        const average = alpha * score + (1 - alpha) * previous;
        this.#averages.set(miner.uid, average);
        const status = outcome?.status ?? 'no_answer';
        this.#record(miner.uid, status, outcome?.latencyMs ?? 0, score, average);
        return {
          uid: miner.uid,
          hotkey: miner.hotkey,
          score,
          average,
          latencyMs: outcome?.latencyMs ?? 0,
          status,
          ...(sample === undefined ? {} : { sample }),
          ...proof,
          ...(error === undefined ? {} : { error }),
        };
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    this.#metrics?.rounds.inc(this.#netuidLabel);
    this.#metrics?.roundSeconds.observe(this.#netuidLabel, seconds);
    this.#logger.info(
      {
        cycle,
        durationMs: Math.round(seconds * 1000),
        answered: outcomes.filter((o) => o.status === 'ok').length,
        miners: outcomes.map((o) => ({
          uid: o.uid,
          status: o.status,
          score: o.score,
          average: o.average,
          latencyMs: Math.round(o.latencyMs),
          ...(o.proofCode ? { proof: o.proofCode } : {}),
          ...(o.error ? { error: o.error } : {}),
        })),
      },
      'round',
    );
    return outcomes;
  }

  #record(uid: number, status: string, latencyMs: number, score: number, average: number): void {
    const metrics = this.#metrics;
    if (!metrics) return;
    const labels = { ...this.#netuidLabel, uid: String(uid) };
    metrics.queries.inc({ ...this.#netuidLabel, status });
    if (status === 'ok') metrics.queryLatencySeconds.observe(this.#netuidLabel, latencyMs / 1000);
    metrics.minerScore.set(labels, score);
    metrics.minerAverage.set(labels, average);
  }

  #recordWeights(kind: 'set' | 'commit' | 'reveal', reveal: WeightReveal): void {
    this.#metrics?.weightUpdates.inc({ ...this.#netuidLabel, kind });
    // Committed weights stay secret until revealed: that is what commit-reveal
    // is for, so neither the log nor /metrics shows them before then.
    if (kind === 'commit') {
      this.#logger.info({ kind, miners: reveal.uids.length }, 'weights');
      return;
    }
    for (const [i, uid] of reveal.uids.entries())
      this.#metrics?.weight.set(
        { ...this.#netuidLabel, uid: String(uid) },
        (reveal.weights[i] ?? 0) / 65535,
      );
    this.#logger.info({ kind, uids: reveal.uids, weights: reveal.weights }, 'weights');
  }

  /**
   * Reveals weights committed earlier (once the delay has passed) and commits
   * the current averages. Returns what was revealed, if anything.
   */
  async setWeights(): Promise<WeightReveal | undefined> {
    const { chain, netuid, hotkey } = this.#options;
    const block = await chain.currentBlock();
    const config = await chain.subnet(netuid);
    let revealed: WeightReveal | undefined;
    if (this.#pending && block >= this.#pending.block + config.revealDelayBlocks) {
      await chain.revealWeights(netuid, hotkey.address, this.#pending.reveal);
      revealed = this.#pending.reveal;
      this.#pending = undefined;
      this.#recordWeights('reveal', revealed);
    }
    const sharpness = this.#options.sharpness ?? 1;
    const entries = [...this.#averages]
      .filter(([, v]) => v > 0)
      .map(([uid, v]): [number, number] => [uid, v ** sharpness])
      .sort((a, b) => a[0] - b[0]);
    const max = Math.max(0, ...entries.map(([, v]) => v));
    if (max === 0 || this.#pending) return revealed;
    const reveal: WeightReveal = {
      uids: entries.map(([uid]) => uid),
      weights: entries.map(([, v]) => Math.round((65535 * v) / max)),
      salt: randomBytes(16).toString('hex'),
    };
    if (!config.commitReveal) {
      await chain.setWeights(netuid, hotkey.address, reveal.uids, reveal.weights);
      this.#recordWeights('set', reveal);
      return reveal;
    }
    await chain.commitWeights(
      netuid,
      hotkey.address,
      weightCommitHash(netuid, hotkey.address, reveal),
    );
    this.#pending = { reveal, block };
    this.#recordWeights('commit', reveal);
    return revealed;
  }
}
