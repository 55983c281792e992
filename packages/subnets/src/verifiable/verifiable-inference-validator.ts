import { randomInt } from 'node:crypto';
import {
  type Judgement,
  newTask,
  type Observation,
  type ProofVerdict,
  type Result,
  type SubnetValidator,
  type Task,
  type TaskContextInput,
} from '@mt/protocol';
import type { Circuit, ProofVerifier } from '@mt/zkml';
import { SubnetMetrics } from '../wrappers/subnet-metrics.js';
import {
  countVerdict,
  DEFAULT_PROOF_TIMEOUT_MS,
  inputOf,
  loadZkml,
  type ProvenScoreWeights,
  scoreProven,
  VERIFIABLE_INFERENCE,
} from './verifiable-task.js';

/** Options of {@link VerifiableInferenceValidator.create}. */
export interface VerifiableInferenceValidatorOptions {
  /** A circuit folder; validators need only `circuit.json` and `verification_key.json`. */
  circuitDir: string;
  /** The inputs validators send (e.g. real images). Default: uniform values in [0, 1). */
  sampleInput?: (context: TaskContextInput) => number[];
  /** Time a miner has to prove. Default 30 s. */
  timeoutMs?: number;
  /** Weights of a valid answer's score. Default correctness 0.7, latency 0.3. */
  weights?: ProvenScoreWeights;
  /** Where verification times and verdicts go. Default: a registry of its own. */
  metrics?: SubnetMetrics;
}

/**
 * The validator of the verifiable-inference subnet: tasks are inputs to the
 * committed model; `verifyProof` checks an answer's proof against the
 * verification key, the model commitment and the task's own input, and that
 * the answer is the proven output. A refused proof scores 0; a valid one
 * scores for correctness and for latency as the validator measured it.
 */
export class VerifiableInferenceValidator implements SubnetValidator {
  readonly name = VERIFIABLE_INFERENCE.name;
  readonly version = VERIFIABLE_INFERENCE.version;
  readonly circuit: Circuit;
  readonly #verifier: ProofVerifier;
  readonly #options: VerifiableInferenceValidatorOptions;
  readonly #metrics: SubnetMetrics;

  private constructor(
    circuit: Circuit,
    verifier: ProofVerifier,
    options: VerifiableInferenceValidatorOptions,
  ) {
    this.circuit = circuit;
    this.#verifier = verifier;
    this.#options = options;
    this.#metrics = options.metrics ?? new SubnetMetrics();
  }

  /**
   * Loads the circuit's metadata and verification key.
   *
   * @throws MissingPeerError when `@mt/zkml` is not installed.
   */
  static async create(
    options: VerifiableInferenceValidatorOptions,
  ): Promise<VerifiableInferenceValidator> {
    const { Circuit, ProofVerifier } = await loadZkml();
    const circuit = await Circuit.load(options.circuitDir);
    const verifier = await ProofVerifier.load(options.circuitDir);
    return new VerifiableInferenceValidator(circuit, verifier, options);
  }

  async createTask(context: TaskContextInput): Promise<Task> {
    const size = this.circuit.metadata.inputSize;
    const input =
      this.#options.sampleInput?.(context) ??
      Array.from({ length: size }, () => randomInt(1_000_000) / 1_000_000);
    return newTask(context, {
      taskData: { input, modelHash: this.circuit.metadata.modelHash },
      timeoutMs: this.#options.timeoutMs ?? DEFAULT_PROOF_TIMEOUT_MS,
    });
  }

  /** The verdict on `result`'s proof for `task`, with a stable code when refused. */
  async verifyProof(task: Task, result: Result): Promise<ProofVerdict> {
    return countVerdict(this.#metrics, this.name, await this.#check(task, result));
  }

  async #check(task: Task, result: Result): Promise<ProofVerdict> {
    if (!result.proof)
      return { valid: false, code: 'missing', reason: 'the result carries no proof' };
    const stopTimer = this.#metrics.proofVerificationSeconds.startTimer({ subnet: this.name });
    const found = await this.#verifier.check(result.proof, { input: inputOf(task, this.circuit) });
    stopTimer();
    if (!found.valid) return { valid: false, code: found.code, reason: found.reason };
    const claimed = result.resultData;
    if (
      claimed.predicted !== found.predicted ||
      JSON.stringify(claimed.outputs) !== JSON.stringify(found.outputs)
    ) {
      return {
        valid: false,
        code: 'not_proven_output',
        reason: 'the answer is not the output its proof proves',
      };
    }
    return { valid: true };
  }

  async scoreResult(_task: Task, result: Result, observation: Observation): Promise<Judgement> {
    return scoreProven(observation, this.#options.weights, {
      predicted: result.resultData.predicted ?? null,
    });
  }

  close(): Promise<void> {
    return this.#verifier.close();
  }
}
