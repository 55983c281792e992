import { createHash, randomInt } from 'node:crypto';
import type { Judgement, Proof, Result, Solution, Task, TaskContext } from '@mt/protocol';
import { Circuit, ProofGenerator, ProofVerifier, type RejectionCode, type Verdict } from '@mt/zkml';
import { LRUCache } from 'lru-cache';
import { BaseSubnet, type BaseSubnetOptions } from '../base/base-subnet.js';
import { InvalidSubnetInputError } from '../errors.js';

/** Options of {@link VerifiableInferenceSubnet}. */
export interface VerifiableInferenceSubnetOptions
  extends Partial<Pick<BaseSubnetOptions, 'cache' | 'retry' | 'registry' | 'now'>> {
  /**
   * A circuit folder made by `@mt/zkml` (`mt-zkml compile` + `setup`). Miners
   * need all of it (the proving key); validators only `circuit.json` and
   * `verification_key.json`.
   */
  circuitDir: string;
  /** The inputs validators send (e.g. real images). Default: uniform values in [0, 1). */
  sampleInput?: (context: TaskContext) => number[];
  /** Time a miner has to prove. Default 30 s. */
  timeoutMs?: number;
  /** Weights of a valid answer's score. Default correctness 0.7, latency 0.3. */
  weights?: { correctness?: number; latency?: number };
}

/**
 * The verdict on an answer's proof: the verifier's, or `missing` when the
 * answer carries none and `not_set_up` before `setup()`.
 */
export type ProofCheck =
  | Verdict
  | { valid: false; code: RejectionCode | 'missing' | 'not_set_up'; reason: string };

function inputOf(task: Task): number[] {
  const { input } = task.taskData;
  if (!Array.isArray(input) || !input.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new InvalidSubnetInputError('taskData.input', 'must be an array of finite numbers');
  }
  return input as number[];
}

/**
 * Verifiable inference: tasks are inputs to a committed ONNX model (the
 * digits MLP by default in the demo); miners return its outputs with a zk
 * proof; validators check the proof against the model's verification key,
 * model commitment and the task's own input. A missing or invalid proof, or
 * outputs that are not the proven ones, score 0; a valid one scores for
 * correctness and latency.
 */
export class VerifiableInferenceSubnet extends BaseSubnet {
  readonly #options: VerifiableInferenceSubnetOptions;
  #circuit: Circuit | undefined;
  #verifier: ProofVerifier | undefined;
  #generator: Promise<ProofGenerator> | undefined;
  // A validator asks for the verdict of one answer more than once (to verify,
  // then to score); the pairing check runs once and is counted once.
  readonly #verdicts = new LRUCache<string, Promise<ProofCheck>>({ max: 1_024 });

  constructor(options: VerifiableInferenceSubnetOptions) {
    super({
      name: 'verifiable-inference',
      version: '1.0.0',
      description: 'Inference of a committed ONNX model, proven with zk-SNARKs',
      ...options,
    });
    this.#options = options;
  }

  /** The circuit (after setup). */
  get circuit(): Circuit {
    if (!this.#circuit) throw new InvalidSubnetInputError('subnet', 'call setup() first');
    return this.#circuit;
  }

  override requiresProof(): boolean {
    return true;
  }

  protected override async onSetup(): Promise<void> {
    this.#circuit = await Circuit.load(this.#options.circuitDir);
    this.#verifier = await ProofVerifier.load(this.#options.circuitDir);
  }

  protected override async onTeardown(): Promise<void> {
    await this.#verifier?.close();
    const generator = this.#generator;
    this.#generator = undefined;
    if (generator) await (await generator.catch(() => undefined))?.close();
  }

  protected createTaskImpl(context: TaskContext) {
    const size = this.circuit.metadata.inputSize;
    const input =
      this.#options.sampleInput?.(context) ??
      Array.from({ length: size }, () => randomInt(1_000_000) / 1_000_000);
    return {
      taskData: { input, modelHash: this.circuit.metadata.modelHash },
      timeoutMs: this.#options.timeoutMs ?? 30_000,
    };
  }

  protected override validateTaskImpl(task: Task): string | undefined {
    try {
      this.circuit.quantizeInput(inputOf(task));
      return task.taskData.modelHash === this.circuit.metadata.modelHash
        ? undefined
        : 'taskData.modelHash names another model than this subnet proves';
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  protected async solve(task: Task, signal: AbortSignal): Promise<Solution> {
    this.#generator ??= ProofGenerator.load(this.#options.circuitDir);
    const generator = await this.#generator;
    const labels = { subnet: this.identity.name };
    const stopTimer = this.metrics.proofGenerationSeconds.startTimer(labels);
    try {
      // The signal stops the prover's worker thread, not just the wait for it.
      const { predicted, ...proof } = await generator.generateProof(inputOf(task), { signal });
      stopTimer();
      return { resultData: { outputs: proof.outputs, predicted }, proof };
    } catch (error) {
      this.metrics.proofGenerationFailures.inc(labels);
      throw error;
    }
  }

  /**
   * The verifier's full verdict on a result's proof for its task, with a
   * stable `code` when it is rejected. The same proof for the same task is
   * verified once; asking again returns the first verdict.
   */
  check(task: Task, result: Result): Promise<ProofCheck> {
    const labels = { subnet: this.identity.name };
    const verifier = this.#verifier;
    const rejected = (code: 'missing' | 'not_set_up', reason: string): Promise<ProofCheck> => {
      this.metrics.proofVerifications.inc({ ...labels, verdict: 'invalid', reason: code });
      return Promise.resolve({ valid: false, code, reason });
    };
    if (!result.proof) return rejected('missing', 'the result carries no proof');
    if (!verifier) return rejected('not_set_up', 'the subnet is not set up');
    const input = inputOf(task);
    const key = createHash('sha256')
      .update(JSON.stringify([task.taskId, input, result.proof]))
      .digest('hex');
    const known = this.#verdicts.get(key);
    if (known) return known;
    const stopTimer = this.metrics.proofVerificationSeconds.startTimer(labels);
    const verdict = verifier.check(result.proof, { input }).then((found) => {
      stopTimer();
      this.metrics.proofVerifications.inc({
        ...labels,
        verdict: found.valid ? 'valid' : 'invalid',
        reason: found.valid ? 'none' : found.code,
      });
      return found;
    });
    this.#verdicts.set(key, verdict);
    return verdict;
  }

  protected override async verifyProofImpl(
    task: Task,
    result: Result,
    _proof: Proof,
  ): Promise<boolean> {
    return (await this.check(task, result)).valid;
  }

  protected async scoreResultImpl(task: Task, result: Result): Promise<Judgement> {
    const verdict = await this.check(task, result);
    if (!verdict.valid)
      return {
        value: 0,
        confidence: 1,
        metadata: { proof: 'rejected', code: verdict.code, reason: verdict.reason },
      };
    const claimed = result.resultData;
    if (
      claimed.predicted !== verdict.predicted ||
      JSON.stringify(claimed.outputs) !== JSON.stringify(verdict.outputs)
    ) {
      return {
        value: 0,
        confidence: 1,
        metadata: {
          proof: 'valid',
          code: 'not_proven_output',
          reason: 'the answer is not the proven output',
        },
      };
    }
    const correctness = this.#options.weights?.correctness ?? 0.7;
    const latency = this.#options.weights?.latency ?? 0.3;
    const timeout = task.timeoutMs ?? this.#options.timeoutMs ?? 30_000;
    const speed = Math.max(0, 1 - (result.executionTimeMs ?? timeout) / timeout);
    return {
      value: (correctness + latency * speed) / (correctness + latency),
      confidence: 1,
      metadata: { proof: 'valid', predicted: verdict.predicted, speed },
    };
  }
}
