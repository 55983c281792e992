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
import {
  countVerdict,
  DEFAULT_PROOF_TIMEOUT_MS,
  type ProvenScoreWeights,
  scoreProven,
} from '../verifiable/verifiable-task.js';
import { SubnetMetrics } from '../wrappers/subnet-metrics.js';
import { TEXT_GENERATION } from './text-task.js';
import {
  type CharacterVocabulary,
  contextWindow,
  openProvableText,
  verifiableTextRequestOf,
} from './verifiable-text.js';

/** Options of {@link VerifiableTextValidator.create}. */
export interface VerifiableTextValidatorOptions {
  /** The model's circuit folder; validators need only `circuit.json` and `verification_key.json`. */
  circuitDir: string;
  /** The model's tokenizer: its characters, in token-id order (the miners' own). */
  vocabulary: string;
  /** The prompts validators send. Default: random strings of the vocabulary, 1 to 16 characters. */
  samplePrompt?: (context: TaskContextInput) => string;
  /** New tokens asked for. Default 8. */
  maxNewTokens?: number;
  /** Time a miner has to prove and generate. Default 30 s. */
  timeoutMs?: number;
  /** Weights of a proven answer's score. Default correctness 0.7, latency 0.3. */
  weights?: ProvenScoreWeights;
  /** Where verification times and verdicts go. Default: a registry of its own. */
  metrics?: SubnetMetrics;
}

/**
 * The verifiable mode of the text-generation subnet's validator: tasks are
 * prompts to a committed model small enough to prove. `verifyProof` checks
 * the proof against the verification key, the model commitment and the
 * prompt's own last tokens, and that the answer's first token is the one
 * the proof proves (the argmax of the proven logits). A refused proof
 * scores 0; a valid one scores for correctness and for latency as the
 * validator measured it. A validator holds no weights: in private mode the
 * proof binds the answer to the committed ones.
 */
export class VerifiableTextValidator implements SubnetValidator {
  readonly name = TEXT_GENERATION.name;
  readonly version = TEXT_GENERATION.version;

  /** The model's circuit (its public files). */
  readonly circuit: Circuit;
  /** The model's tokenizer. */
  readonly vocabulary: CharacterVocabulary;
  readonly #context: number;
  readonly #verifier: ProofVerifier;
  readonly #options: VerifiableTextValidatorOptions;
  readonly #metrics: SubnetMetrics;

  private constructor(
    parts: { circuit: Circuit; vocabulary: CharacterVocabulary; context: number },
    verifier: ProofVerifier,
    options: VerifiableTextValidatorOptions,
  ) {
    this.circuit = parts.circuit;
    this.vocabulary = parts.vocabulary;
    this.#context = parts.context;
    this.#verifier = verifier;
    this.#options = options;
    this.#metrics = options.metrics ?? new SubnetMetrics();
  }

  /**
   * Loads the circuit's metadata and verification key.
   *
   * @throws MissingPeerError when `@mt/zkml` is not installed,
   *   InvalidSubnetInputError when the vocabulary does not fit the circuit.
   */
  static async create(options: VerifiableTextValidatorOptions): Promise<VerifiableTextValidator> {
    const { zkml, ...parts } = await openProvableText(options.circuitDir, options.vocabulary);
    const verifier = await zkml.ProofVerifier.load(options.circuitDir);
    return new VerifiableTextValidator(parts, verifier, options);
  }

  async createTask(context: TaskContextInput): Promise<Task> {
    const { characters } = this.vocabulary;
    const prompt =
      this.#options.samplePrompt?.(context) ??
      Array.from(
        { length: 1 + randomInt(16) },
        () => characters[randomInt(characters.length)],
      ).join('');
    return newTask(context, {
      taskData: {
        prompt,
        maxNewTokens: this.#options.maxNewTokens ?? 8,
        modelHash: this.circuit.metadata.modelHash,
      },
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
    const { tokens, maxNewTokens } = verifiableTextRequestOf(task, this.circuit, this.vocabulary);
    const { text } = result.resultData;
    const answer = typeof text === 'string' ? this.vocabulary.encode(text) : undefined;
    if (!answer || answer.length === 0 || answer.length > maxNewTokens)
      return {
        valid: false,
        code: 'malformed_answer',
        reason: `the answer must be 1 to ${maxNewTokens} characters of the model's vocabulary`,
      };
    const stopTimer = this.#metrics.proofVerificationSeconds.startTimer({ subnet: this.name });
    const found = await this.#verifier.check(result.proof, {
      input: contextWindow(tokens, this.#context),
    });
    stopTimer();
    if (!found.valid) return { valid: false, code: found.code, reason: found.reason };
    if (answer[0] !== found.predicted)
      return {
        valid: false,
        code: 'not_proven_output',
        reason: `the answer starts with token ${answer[0]}, but its proof proves token ${found.predicted}`,
      };
    return { valid: true };
  }

  async scoreResult(_task: Task, result: Result, observation: Observation): Promise<Judgement> {
    const { text } = result.resultData;
    return scoreProven(observation, this.#options.weights, {
      firstToken: typeof text === 'string' ? (this.vocabulary.encode(text)?.[0] ?? null) : null,
    });
  }

  close(): Promise<void> {
    return this.#verifier.close();
  }
}
