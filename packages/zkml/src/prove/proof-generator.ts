import type { Proof, ProofSystem } from '@mt/protocol';
import { describeCause } from '@mt/protocol';
import { Circuit } from '../circuit/circuit.js';
import { ProofGenerationError } from '../errors.js';
import { readSetup, type SetupRecord } from '../setup/trusted-setup.js';
import { type ProofPool, proofPool } from './proof-pool.js';

/** How proofs are made. */
export interface ProofConfig {
  /** Must match the circuit's setup; checked so a mismatch fails early. Default: the set-up system. */
  system?: ProofSystem;
  /** Proofs computed at once (default 1: each proof already uses every core). */
  maxThreads?: number;
  /** Abort a proof that takes longer (default: no limit). */
  timeoutMs?: number;
}

/** A proof of one inference, with the outputs decoded from its public signals. */
export type InferenceProof = Proof & {
  outputs: number[];
  /** The predicted class the proof attests to. */
  predicted: number;
};

/** What a failed witness means, when it failed on a domain the circuit requires. */
function domainHint(message: string): string {
  if (message.includes('RequireNonPositive'))
    return ' (the input takes an Exp above 0; the circuit proves Exp for inputs ≤ 0 only)';
  if (message.includes('PositiveDivide'))
    return ' (the input makes a divisor that is not positive; the circuit divides only by a positive value)';
  return '';
}

/**
 * Proves inferences of a set-up circuit. The outputs come from running the
 * circuit on the input (the witness), never from the caller; witness and
 * proof are computed in a worker thread.
 *
 * @example
 * ```ts
 * const generator = await ProofGenerator.load('build/digits');
 * const proof = await generator.generateProof(pixels);
 * proof.predicted; // the digit, proven
 * await generator.close();
 * ```
 */
export class ProofGenerator {
  readonly #pool: ProofPool;

  private constructor(
    readonly circuit: Circuit,
    readonly setup: SetupRecord,
    readonly config: ProofConfig,
  ) {
    this.#pool = proofPool({ ...(config.maxThreads ? { maxThreads: config.maxThreads } : {}) });
  }

  /**
   * Opens the circuit folder `dir` (after compile and setup).
   *
   * @throws CircuitArtifactMissingError when compile or setup has not run,
   *   ProofGenerationError when `config.system` differs from the setup.
   */
  static async load(dir: string, config: ProofConfig = {}): Promise<ProofGenerator> {
    const circuit = await Circuit.load(dir);
    const setup = await readSetup(circuit);
    if (config.system && config.system !== setup.system) {
      throw new ProofGenerationError(
        `${dir} is set up for ${setup.system}, not ${config.system}; run mt-zkml setup ${dir} --system ${config.system}`,
      );
    }
    return new ProofGenerator(circuit, setup, config);
  }

  /**
   * Runs the model inside the circuit on `input` (float units) and proves it.
   *
   * @throws InvalidZkmlInputError for an input of the wrong size or range,
   *   ProofGenerationError when the witness or the proof fails.
   */
  async generateProof(
    input: readonly number[],
    options: { signal?: AbortSignal } = {},
  ): Promise<InferenceProof> {
    const witness = await this.circuit.witnessInput(input);
    const signals = [
      options.signal,
      this.config.timeoutMs ? AbortSignal.timeout(this.config.timeoutMs) : undefined,
    ].filter((s): s is AbortSignal => s !== undefined);
    const build = this.circuit.build(this.setup.optimization);
    let result: Awaited<ReturnType<ProofPool['run']>>;
    try {
      result = await this.#pool.run(
        {
          kind: 'prove',
          system: this.setup.system,
          wasm: build.wasm,
          zkey: this.circuit.file(this.setup.zkey),
          input: witness,
          ...(build.witnessMap
            ? { split: { dir: this.circuit.dir, optimization: this.setup.optimization } }
            : {}),
        },
        signals.length > 0 ? { signal: AbortSignal.any(signals) } : {},
      );
    } catch (error) {
      const cause = describeCause(error);
      throw new ProofGenerationError(`${cause}${domainHint(cause)}`, { cause: error });
    }
    if (!('proof' in result)) throw new ProofGenerationError('the worker returned no proof');
    const decoded = this.circuit.decode(result.publicSignals);
    return {
      system: this.setup.system,
      proof: result.proof,
      publicSignals: result.publicSignals,
      verificationKeyHash: this.setup.verificationKeyHash,
      outputs: decoded.outputs,
      predicted: decoded.predicted,
      createdAt: Date.now(),
    };
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
