import { readFile } from 'node:fs/promises';
import type { Solution, SolveContext, SubnetMiner, Task } from '@mt/protocol';
import type { Circuit, ProofGenerator } from '@mt/zkml';
import { timedProof } from '../verifiable/verifiable-task.js';
import { SubnetMetrics } from '../wrappers/subnet-metrics.js';
import { TEXT_GENERATION } from './text-task.js';
import {
  type CharacterVocabulary,
  contextWindow,
  openProvableText,
  verifiableTextRequestOf,
} from './verifiable-text.js';

/** Options of {@link VerifiableTextMiner.create}. */
export interface VerifiableTextMinerOptions {
  /** The model's circuit folder (`mt-zkml compile` + `setup`), proving key included. */
  circuitDir: string;
  /** The ONNX model the circuit was compiled from: it generates the tokens after the first. */
  model: string;
  /** The model's tokenizer: its characters, in token-id order. */
  vocabulary: string;
  /** Where proof times and failures go. Default: a registry of its own. */
  metrics?: SubnetMetrics;
}

/** The first largest value's index: the circuit's argmax, ties to the first. */
function firstLargest(values: readonly bigint[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? v)) best = i;
  });
  return best;
}

/**
 * The verifiable mode of the text-generation subnet's miner: generates
 * greedily with a causal LM small enough to prove (a nanoGPT-shaped ONNX
 * compiled by `@mt/zkml`), and proves its first generated token, whose
 * logits the circuit computes from the prompt's last tokens. The tokens
 * after it come from the same lowered program, which computes exactly what
 * the circuit does, but are not proven.
 *
 * @example
 * ```ts
 * const miner = await VerifiableTextMiner.create({
 *   circuitDir: 'build/nano-gpt',
 *   model: 'nano-gpt.onnx',
 *   vocabulary: ' etaoinsh',
 * });
 * ```
 */
export class VerifiableTextMiner implements SubnetMiner {
  readonly name = TEXT_GENERATION.name;
  readonly version = TEXT_GENERATION.version;

  /** The model's circuit. */
  readonly circuit: Circuit;
  /** The model's tokenizer. */
  readonly vocabulary: CharacterVocabulary;
  readonly #context: number;
  readonly #next: (window: number[]) => number;
  readonly #generator: ProofGenerator;
  readonly #metrics: SubnetMetrics;

  private constructor(
    parts: { circuit: Circuit; vocabulary: CharacterVocabulary; context: number },
    next: (window: number[]) => number,
    generator: ProofGenerator,
    metrics: SubnetMetrics,
  ) {
    this.circuit = parts.circuit;
    this.vocabulary = parts.vocabulary;
    this.#context = parts.context;
    this.#next = next;
    this.#generator = generator;
    this.#metrics = metrics;
  }

  /**
   * Loads the circuit, lowers the model (which must be the one it was
   * compiled from) and starts the prover.
   *
   * @throws MissingPeerError when `@mt/zkml` is not installed,
   *   InvalidSubnetInputError when the vocabulary does not fit the circuit,
   *   InvalidZkmlInputError when the model is not the circuit's.
   */
  static async create(options: VerifiableTextMinerOptions): Promise<VerifiableTextMiner> {
    const { zkml, ...parts } = await openProvableText(options.circuitDir, options.vocabulary);
    const { circuit } = parts;
    const program = circuit.lowerModel(await readFile(options.model));
    const next = (window: number[]) =>
      firstLargest(zkml.evaluateProgram(program, circuit.quantizeInput(window), 0).raw);
    const generator = await zkml.ProofGenerator.load(options.circuitDir);
    return new VerifiableTextMiner(parts, next, generator, options.metrics ?? new SubnetMetrics());
  }

  /** Proves the first token of the answer to `task`, then generates the rest; stops when `context.signal` fires. */
  async solveTask(task: Task, context: SolveContext): Promise<Solution> {
    const { tokens, maxNewTokens } = verifiableTextRequestOf(task, this.circuit, this.vocabulary);
    const {
      predicted,
      outputs: _logits,
      ...proof
    } = await timedProof(this.#metrics, this.name, () =>
      this.#generator.generateProof(contextWindow(tokens, this.#context), {
        signal: context.signal,
      }),
    );
    const answer = [predicted];
    while (answer.length < maxNewTokens) {
      context.signal.throwIfAborted();
      answer.push(this.#next(contextWindow([...tokens, ...answer], this.#context)));
    }
    return {
      resultData: { text: this.vocabulary.decode(answer), completionTokens: answer.length },
      proof,
    };
  }

  close(): Promise<void> {
    return this.#generator.close();
  }
}
