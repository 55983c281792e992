import { randomBytes } from 'node:crypto';
import type { ChainClient, WeightReveal } from '@mt/app-chain';
import { weightCommitHash } from '@mt/app-chain';
import { describeCause, parseResult, resultSchema, type SubnetProtocol } from '@mt/protocol';
import { type Hotkey, ValidatorClient } from '@mt/protocol/wire';

/** What happened to one miner in one round. */
export interface MinerRound {
  uid: number;
  hotkey: string;
  /** This round's score (0 when the miner failed, with `error`). */
  score: number;
  /** The moving average after this round. */
  average: number;
  latencyMs: number;
  /** For subnets with proofs: whether the proof verified. */
  proofValid?: boolean;
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

  constructor(options: ValidatorNodeOptions) {
    this.#options = options;
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
    const { chain, netuid, subnet } = this.#options;
    const alpha = this.#options.alpha ?? 0.3;
    const taskType = subnet.getMetadata().name;
    const difficulty = this.#options.difficulty?.(cycle) ?? [0.2, 0.5, 0.8][cycle % 3] ?? 0.5;
    const miners = (await chain.neurons(netuid)).filter(
      (n) => n.url !== '' && n.hotkey !== this.#options.hotkey.address,
    );
    return Promise.all(
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
        let proofValid: boolean | undefined;
        try {
          if (outcome?.status !== 'ok')
            throw new Error(`${outcome?.status ?? 'no answer'}: ${outcome?.message ?? ''}`.trim());
          const result = parseResult(outcome.result);
          if (subnet.requiresProof()) proofValid = (await subnet.verifyProof(task, result)).valid;
          score = (await subnet.scoreResult(task, result)).value;
        } catch (failure) {
          error = describeCause(failure);
        }
        const previous = this.#averages.get(miner.uid) ?? 0;
        const average = alpha * score + (1 - alpha) * previous;
        this.#averages.set(miner.uid, average);
        return {
          uid: miner.uid,
          hotkey: miner.hotkey,
          score,
          average,
          latencyMs: outcome?.latencyMs ?? 0,
          ...(proofValid === undefined ? {} : { proofValid }),
          ...(error === undefined ? {} : { error }),
        };
      }),
    );
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
      return reveal;
    }
    await chain.commitWeights(
      netuid,
      hotkey.address,
      weightCommitHash(netuid, hotkey.address, reveal),
    );
    this.#pending = { reveal, block };
    return revealed;
  }
}
