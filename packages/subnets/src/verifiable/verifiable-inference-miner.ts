import type { Solution, SolveContext, SubnetMiner, Task } from '@mt/protocol';
import type { Circuit, ProofGenerator } from '@mt/zkml';
import { SubnetMetrics } from '../wrappers/subnet-metrics.js';
import { inputOf, loadZkml, timedProof, VERIFIABLE_INFERENCE } from './verifiable-task.js';

/** Options of {@link VerifiableInferenceMiner.create}. */
export interface VerifiableInferenceMinerOptions {
  /** A circuit folder made by `@mt/zkml` (`mt-zkml compile` + `setup`), proving key included. */
  circuitDir: string;
  /** Where proof times and failures go. Default: a registry of its own. */
  metrics?: SubnetMetrics;
}

/**
 * The miner of the verifiable-inference subnet: runs the committed model on
 * the task's input and proves it (Groth16/PLONK, in a worker thread). The
 * task's signal stops the prover's thread, not just the wait for it.
 */
export class VerifiableInferenceMiner implements SubnetMiner {
  readonly name = VERIFIABLE_INFERENCE.name;
  readonly version = VERIFIABLE_INFERENCE.version;
  readonly circuit: Circuit;
  readonly #generator: ProofGenerator;
  readonly #metrics: SubnetMetrics;

  private constructor(circuit: Circuit, generator: ProofGenerator, metrics: SubnetMetrics) {
    this.circuit = circuit;
    this.#generator = generator;
    this.#metrics = metrics;
  }

  /**
   * Loads the circuit and the prover.
   *
   * @throws MissingPeerError when `@mt/zkml` is not installed.
   */
  static async create(options: VerifiableInferenceMinerOptions): Promise<VerifiableInferenceMiner> {
    const { Circuit, ProofGenerator } = await loadZkml();
    const circuit = await Circuit.load(options.circuitDir);
    const generator = await ProofGenerator.load(options.circuitDir);
    return new VerifiableInferenceMiner(circuit, generator, options.metrics ?? new SubnetMetrics());
  }

  /** Runs the committed model on the task's input and proves it; the prover's thread stops when `context.signal` fires. */
  async solveTask(task: Task, context: SolveContext): Promise<Solution> {
    const input = inputOf(task, this.circuit);
    const { predicted, ...proof } = await timedProof(this.#metrics, this.name, () =>
      this.#generator.generateProof(input, { signal: context.signal }),
    );
    return { resultData: { outputs: proof.outputs, predicted }, proof };
  }

  close(): Promise<void> {
    return this.#generator.close();
  }
}
