import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ChainClient,
  type ChainKeypair,
  toU16Weights,
  type WeightReveal,
  WeightSubmitter,
} from '@mt/chain';
import {
  describeCause,
  InvalidArgumentError,
  type JsonObject,
  type MtLogger,
  type Observation,
  optionChecks,
  type Proof,
  type ProofVerdict,
  type Result,
  resultSchema,
  type SubnetValidator,
  silentLogger,
  type Task,
} from '@mt/protocol';
import { WeightPolicy } from '@mt/scoring';
import type { Registry } from '@mt/telemetry';
import {
  type Hotkey,
  type QueryOutcome,
  type QueryStatus,
  ValidatorClient,
  type ValidatorClientOptions,
} from '@mt/wire';
import { BittensorDendrite, type BittensorDendriteOptions } from '@mt/wire/bittensor';
import {
  bittensorHotkeyFor,
  type NeuronHotkey,
  type NeuronWire,
  type SynapseMapping,
  taskSynapse,
} from '../bittensor-wire.js';
import { chainHotkeyOf, senderAddressOf, wireAddressOf } from '../chain-hotkey.js';
import { ValidatorHaltedError } from '../errors.js';
import { ValidatorMetrics } from './validator-metrics.js';

/** Characters of a miner's answer kept as its sample (for dashboards and logs). */
const SAMPLE_CHARS = 160;

const check = optionChecks((option, problem) => new InvalidArgumentError(option, problem));

/** Options of {@link ValidatorNode.run}. */
export interface ValidatorRunOptions {
  /** Stops the loop: the round in progress is aborted, and `run` resolves. */
  signal: AbortSignal;
  /** Time between rounds, in ms. */
  intervalMs: number;
  /** Rounds to run; default until `signal` fires. */
  rounds?: number;
  /**
   * Failed steps in a row (a round, or a weight update the chain refused)
   * after which the loop stops with {@link ValidatorHaltedError}. Default 5.
   */
  maxConsecutiveFailures?: number;
}

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
  /**
   * What anyone needs to check this verdict again without trusting the
   * validator: the task's data (the input) and the proof as the miner sent
   * it. Present when the answer carried a proof.
   */
  evidence?: { taskData: JsonObject; proof: Proof };
  error?: string;
}

/** Options of {@link ValidatorNode}. */
export interface ValidatorNodeOptions {
  /**
   * The validator's hotkey: it signs requests on the wire and, as the same
   * key, its chain calls. An ed25519 `Hotkey` on our envelope, an
   * `Sr25519Hotkey` (a Bittensor wallet's) on Bittensor's wire.
   */
  hotkey: NeuronHotkey;
  /** The wire miners are queried on. Default `'envelope'`. */
  wire?: NeuronWire;
  /**
   * On Bittensor's wire, the synapse the subnet's tasks travel in: an
   * existing subnet's, mapped to its tasks, to query its Python miners.
   * Default `taskSynapse(subnet.name)`.
   */
  synapse?: SynapseMapping;
  /** On Bittensor's wire, the dendrite's limits (`allowPrivateEndpoints`, response size, ...). */
  dendrite?: Omit<BittensorDendriteOptions, 'hotkey'>;
  /** Any chain: `LocalChain`, or Bittensor's through `SubtensorChain`. */
  chain: ChainClient;
  netuid: number;
  /** The subnet's validator role: it creates the tasks and scores the answers. */
  subnet: SubnetValidator;
  /** Weight of the newest score in the moving average, in (0, 1]: `WeightPolicy`'s, default 0.3. */
  alpha?: number;
  /**
   * On our envelope, the `fetch` the wire uses, and the client's other limits
   * (response size, JSON depth, margin past the deadline). The time a miner
   * has is the task's own `timeoutMs`, set by the subnet.
   */
  client?: Omit<ValidatorClientOptions, 'hotkey' | 'timeoutMs'>;
  /**
   * Time the subnet has to verify and score one answer, in ms, on top of the
   * task's own budget: a miner's part of a round never takes longer than
   * the task's `timeoutMs`, the client's margin and this. Default 30 s.
   */
  judgeTimeoutMs?: number;
  /** Task difficulty for a round (default: 0.2, 0.5, 0.8 in turn). */
  difficulty?: (round: number) => number;
  /**
   * Weights are proportional to `average ^ sharpness`: `WeightPolicy`'s
   * (`@mt/scoring`), default `DEFAULT_SHARPNESS` (4).
   */
  sharpness?: number;
  /** Where the validator's metrics go (see {@link ValidatorMetrics}); default: not recorded. */
  registry?: Registry;
  /** One line per round at info, each weight update at info, failures at warn. Default: silent. */
  logger?: MtLogger;
}

/** What judging one answer gives a round entry. */
type Judged = Pick<
  MinerRound,
  'score' | 'sample' | 'proofValid' | 'proofCode' | 'proofReason' | 'evidence' | 'error'
>;

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

/** A subnet's score as a weight input: in [0, 1], and 0 for anything that is not a number. */
function clampScore(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
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
  readonly #query: MinerQuery;
  /** How a chain hotkey signs on this node's wire. */
  readonly #addressOf: (chainHotkey: string) => string;
  /** The metagraph's miners as of `head`: read again only when the chain has moved. */
  #view: { head: number; miners: RoundMiner[]; ownUid: number | undefined } | undefined;
  readonly #marginMs: number;
  readonly #policy: WeightPolicy;
  /** The commit-reveal bookkeeping (`@mt/chain`), made on the first weight update. */
  #submitter: WeightSubmitter | undefined;
  #chainKey: ChainKeypair | undefined;
  #resumed = false;
  readonly #metrics: ValidatorMetrics | undefined;
  readonly #logger: MtLogger;
  readonly #netuidLabel: { netuid: string };
  readonly #judgeTimeoutMs: number;

  constructor(options: ValidatorNodeOptions) {
    this.#options = options;
    this.#metrics = options.registry ? new ValidatorMetrics(options.registry) : undefined;
    this.#netuidLabel = { netuid: String(options.netuid) };
    this.#logger = (options.logger ?? silentLogger).child({
      netuid: options.netuid,
      validator: options.hotkey.address,
    });
    const bittensor = bittensorHotkeyFor(options.wire, options.hotkey);
    if (bittensor) {
      this.#query = dendriteQuery(
        new BittensorDendrite({ ...options.dendrite, hotkey: bittensor }),
        options.synapse ?? taskSynapse(options.subnet.name),
      );
      this.#marginMs = 0;
      this.#addressOf = (hotkey) => senderAddressOf(hotkey, 'bittensor');
    } else {
      const client = new ValidatorClient({ ...options.client, hotkey: options.hotkey as Hotkey });
      this.#query = clientQuery(client, options.subnet.name);
      this.#marginMs = client.marginMs;
      this.#addressOf = wireAddressOf;
    }
    // The policy checks its sharpness and alpha once, here, when the node is built.
    this.#policy = new WeightPolicy({
      ...(options.sharpness === undefined ? {} : { sharpness: options.sharpness }),
      ...(options.alpha === undefined ? {} : { alpha: options.alpha }),
    });
    this.#judgeTimeoutMs = check.positive('judgeTimeoutMs', options.judgeTimeoutMs ?? 30_000);
  }

  /** The current moving averages by UID. */
  get averages(): ReadonlyMap<number, number> {
    return this.#policy.averages;
  }

  async #key(): Promise<ChainKeypair> {
    this.#chainKey ??= await chainHotkeyOf(this.#options.hotkey);
    return this.#chainKey;
  }

  /**
   * The miners to query, from the metagraph as of the chain's head. A
   * metagraph is read only when the head has moved since the last one (a new
   * block is the only way registrations and axons change), so rounds within
   * a block cost their network work and one `head()`; each neuron's wire
   * address is converted once and kept while it stays registered.
   */
  async #currentView(): Promise<{ miners: RoundMiner[]; ownUid: number | undefined }> {
    const { chain, netuid } = this.#options;
    const head = await chain.head();
    if (this.#view?.head === head) return this.#view;
    const me = (await this.#key()).address;
    const { neurons } = await chain.metagraph(netuid);
    const known = new Map(this.#view?.miners.map((m) => [m.hotkey, m.address]));
    this.#view = {
      head,
      ownUid: neurons.find((n) => n.hotkey === me)?.uid,
      miners: neurons
        .filter((n) => n.endpoint !== '' && n.hotkey !== me)
        .map((n) => ({
          uid: n.uid,
          hotkey: n.hotkey,
          endpoint: n.endpoint,
          address: known.get(n.hotkey) ?? this.#addressOf(n.hotkey),
        })),
    };
    return this.#view;
  }

  /** Starts the averages from this validator's weights on the chain (see `WeightPolicy.resume`). */
  async #resume(): Promise<void> {
    if (this.#resumed) return;
    const { chain, netuid } = this.#options;
    const { ownUid } = await this.#currentView();
    this.#resumed = true;
    if (ownUid === undefined) return;
    const stored = await chain.weightsOf(netuid, ownUid);
    this.#policy.resume(stored);
  }

  /**
   * Queries every miner once and updates the moving averages of those
   * queried. A miner that is down, slow, hostile or wrong scores 0 for the
   * round, and the round always completes: each miner's part is bounded by
   * its task's budget, the client's margin and `judgeTimeoutMs`, whatever
   * the miner's socket or the subnet's scoring does. When `signal` fires the
   * queries in flight are aborted and the round rejects with its reason,
   * leaving the averages as they were.
   */
  async round(round: number, signal?: AbortSignal): Promise<MinerRound[]> {
    signal?.throwIfAborted();
    await this.#resume();
    const started = performance.now();
    const { netuid, subnet } = this.#options;
    const difficulty = this.#options.difficulty?.(round) ?? [0.2, 0.5, 0.8][round % 3] ?? 0.5;
    const { miners } = await this.#currentView();
    const judged = await Promise.all(
      miners.map(async (miner) => {
        const task = await subnet.createTask({
          minerUid: miner.uid,
          difficulty,
          netuid: netuid,
          round,
        });
        return { miner, ...(await this.#minerPart(miner, task, signal)) };
      }),
    );
    // An aborted round says nothing about the miners: their averages stay.
    signal?.throwIfAborted();
    const outcomes = judged.map(({ miner, status, latencyMs, judgement }): MinerRound => {
      const average = this.#policy.record(miner.uid, judgement.score);
      this.#record(miner.uid, status, latencyMs, judgement.score, average);
      return { uid: miner.uid, hotkey: miner.hotkey, average, latencyMs, status, ...judgement };
    });
    const seconds = (performance.now() - started) / 1000;
    this.#metrics?.rounds.inc(this.#netuidLabel);
    this.#metrics?.roundSeconds.observe(this.#netuidLabel, seconds);
    this.#logger.info(
      {
        round,
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

  /** One miner's query and judgement, settled by its budget whatever either does. */
  async #minerPart(
    miner: RoundMiner,
    task: Task,
    signal: AbortSignal | undefined,
  ): Promise<{ status: MinerRound['status']; latencyMs: number; judgement: Judged }> {
    const timeoutMs = task.timeoutMs;
    const budgetMs = timeoutMs + this.#marginMs + this.#judgeTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<{ status: 'timeout'; latencyMs: number; judgement: Judged }>(
      (resolve) => {
        timer = setTimeout(
          () =>
            resolve({
              status: 'timeout',
              latencyMs: budgetMs,
              judgement: { score: 0, error: `timeout: no verdict within ${budgetMs} ms` },
            }),
          budgetMs,
        );
      },
    );
    const part = (async () => {
      const outcome = await this.#query(miner, task, { timeoutMs, signal });
      return {
        status: outcome.status,
        latencyMs: outcome.latencyMs,
        judgement: await this.#judge(task, outcome),
      };
    })();
    // Past its budget, what the part still does is ignored.
    part.catch(() => undefined);
    try {
      return await Promise.race([part, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Rounds and weight updates on a schedule until `signal` fires or
   * `rounds` are done. A round or weight update that fails is logged,
   * counted in `mt_validator_failures_total`, and the loop goes on; only
   * `maxConsecutiveFailures` failures in a row of either stop it, with
   * {@link ValidatorHaltedError}. Resolves once stopped.
   */
  async run(options: ValidatorRunOptions): Promise<void> {
    const { signal, intervalMs } = options;
    const rounds = options.rounds ?? Number.POSITIVE_INFINITY;
    const maxFailures = options.maxConsecutiveFailures ?? 5;
    // Counted per stage: rounds that succeed do not hide weights that never land.
    const failures = { round: 0, weights: 0 };
    const step = async (stage: 'round' | 'weights', work: () => Promise<unknown>) => {
      try {
        await work();
        failures[stage] = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures[stage] += 1;
        this.#metrics?.failures.inc({ ...this.#netuidLabel, stage });
        this.#logger.error({ stage, failures: failures[stage], err: error }, `${stage} failed`);
        if (failures[stage] >= maxFailures)
          throw new ValidatorHaltedError(this.#options.netuid, failures[stage], { cause: error });
      }
    };
    for (let round = 0; round < rounds && !signal.aborted; round += 1) {
      await step('round', () => this.round(round, signal));
      if (signal.aborted) break;
      await step('weights', () => this.setWeights());
      if (round + 1 < rounds)
        await sleep(intervalMs, undefined, { signal }).catch((error: unknown) => {
          if (!signal.aborted) throw error;
        });
    }
  }

  /**
   * One answer's score, from the verified result and what this validator
   * observed: its own latency measure and, on proof subnets, its own verdict
   * (checked once, here). Anything wrong scores 0 with the reason.
   */
  async #judge(task: Task, outcome: QueryOutcome<Result> | undefined): Promise<Judged> {
    const { subnet } = this.#options;
    if (outcome?.status !== 'ok' || !outcome.result) {
      const status = outcome?.status ?? 'no answer';
      return { score: 0, error: `${status}: ${outcome?.message ?? outcome?.code ?? ''}`.trim() };
    }
    const result = outcome.result;
    if (result.taskId !== task.taskId || result.minerUid !== task.context.minerUid) {
      return { score: 0, error: 'wrong_task: the answer is for another task or miner' };
    }
    const sample = sampleOf(result);
    try {
      const verdict: ProofVerdict | undefined = subnet.verifyProof
        ? await subnet.verifyProof(task, result)
        : undefined;
      const observation: Observation = {
        latencyMs: outcome.latencyMs,
        timeoutMs: task.timeoutMs,
        ...(verdict ? { proof: verdict } : {}),
      };
      const judgement = await subnet.scoreResult(task, result, observation);
      const metadata: JsonObject = judgement.metadata ?? {};
      const code = stringField(metadata, 'code') ?? verdict?.code;
      const reason = stringField(metadata, 'reason') ?? verdict?.reason;
      return {
        score: clampScore(judgement.value),
        sample,
        ...(verdict ? { proofValid: verdict.valid } : {}),
        ...(code === undefined ? {} : { proofCode: code }),
        ...(reason === undefined ? {} : { proofReason: reason }),
        ...(result.proof ? { evidence: { taskData: task.taskData, proof: result.proof } } : {}),
      };
    } catch (failure) {
      // A subnet that cannot score this answer pays nothing for it; the round goes on.
      return { score: 0, sample, error: describeCause(failure) };
    }
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
        (reveal.values[i] ?? 0) / 65535,
      );
    this.#logger.info({ kind, uids: reveal.uids, weights: reveal.values }, 'weights');
  }

  /**
   * Reveals weights committed earlier once the chain's reveal window has
   * come (a reveal the chain calls too early stays pending for the next
   * call), then sets the current averages' weights, or commits them where the
   * subnet uses commit-reveal; the bookkeeping is `@mt/chain`'s
   * `WeightSubmitter`. Returns what was revealed or set in the clear.
   */
  async setWeights(): Promise<WeightReveal | undefined> {
    const { chain, netuid } = this.#options;
    this.#submitter ??= new WeightSubmitter({
      chain,
      netuid,
      hotkey: await this.#key(),
      logger: this.#logger,
    });
    const { applied, events } = await this.#submitter.submit(toU16Weights(this.#policy.scores()));
    for (const event of events) {
      if (event.kind === 'wait')
        this.#metrics?.failures.inc({ ...this.#netuidLabel, stage: 'weights_wait' });
      else this.#recordWeights(event.kind, event.weights);
    }
    return applied;
  }
}

/** A miner as a round queries it: its chain hotkey, endpoint and the address it signs with on this wire. */
interface RoundMiner {
  uid: number;
  hotkey: string;
  endpoint: string;
  /** Its wire address, converted once per neuron (not per round). */
  address: string;
}

/** One miner queried with one task, on whichever wire: its outcome, never an exception. */
type MinerQuery = (
  miner: RoundMiner,
  task: Task,
  options: { timeoutMs: number; signal: AbortSignal | undefined },
) => Promise<QueryOutcome<Result>>;

/** Our envelope: the signed request, the verified and schema-checked result. */
function clientQuery(client: ValidatorClient, taskType: string): MinerQuery {
  return async (miner, task, { timeoutMs, signal }) => {
    const endpoint = { address: miner.address, url: miner.endpoint };
    const [outcome] = await client.query([endpoint], taskType, task, {
      responseSchema: resultSchema,
      timeoutMs,
      ...(signal ? { signal } : {}),
    });
    return outcome ?? { miner: endpoint, status: 'refused', latencyMs: 0, message: 'no answer' };
  };
}

/**
 * Bittensor's wire: the task in the subnet's synapse, to the axon the chain
 * names (its ip and port), read as Python's dendrite reads it; the result
 * taken from the synapse's outputs.
 */
function dendriteQuery(dendrite: BittensorDendrite, mapping: SynapseMapping): MinerQuery {
  return async (miner, task, { timeoutMs, signal }) => {
    const endpoint = { address: miner.address, url: miner.endpoint };
    let axon: { ip: string; port: number; hotkey: string };
    try {
      const url = new URL(miner.endpoint);
      axon = {
        ip: url.hostname.replace(/^\[|\]$/g, ''),
        port: Number(url.port),
        hotkey: miner.hotkey,
      };
    } catch {
      return {
        miner: endpoint,
        status: 'refused',
        latencyMs: 0,
        message: 'its endpoint is not a URL',
      };
    }
    // Through the dendrite's queue: a round's calls run at most its `concurrency` at once.
    const [answer] = await dendrite.query([axon], mapping.synapse, mapping.request(task), {
      timeout: timeoutMs / 1000,
      ...(signal ? { signal } : {}),
    });
    if (!answer) return { miner: endpoint, status: 'refused', latencyMs: 0, message: 'no answer' };
    const base = {
      miner: endpoint,
      // Measured by the dendrite from sending to the answer read: time in its queue is not the miner's.
      latencyMs: answer.elapsed * 1000,
      ...(answer.statusCode === null ? {} : { httpStatus: answer.statusCode }),
      ...(answer.statusMessage === null ? {} : { message: answer.statusMessage }),
    };
    if (!answer.isSuccess) return { ...base, status: statusOfCall(answer.statusCode, signal) };
    try {
      return { ...base, status: 'ok', result: mapping.result(task, answer.values) };
    } catch (error) {
      return { ...base, status: 'bad_schema', message: describeCause(error) };
    }
  };
}

/** A failed Bittensor call as the envelope's statuses name it. */
function statusOfCall(code: number | null, signal: AbortSignal | undefined): QueryStatus {
  if (signal?.aborted) return 'aborted';
  if (code === 408) return 'timeout';
  if (code === 503) return 'refused';
  if (code === 400 || code === 413 || code === 422 || code === null) return 'bad_response';
  return 'rejected';
}
