import type { ProofSystem } from '@mt/protocol';
import { loadSnarkjs } from './load-snarkjs.js';
import { proveSplit, type SplitWitnessJob } from './split-witness.js';

/** A job for the proof worker pool. */
export type ProofWorkerTask =
  | {
      kind: 'prove';
      system: ProofSystem;
      wasm: string;
      zkey: string;
      input: Record<string, unknown>;
      /** Set for a circuit whose witness is split: `wasm` is then unused. */
      split?: SplitWitnessJob;
    }
  | {
      kind: 'verify';
      system: ProofSystem;
      verificationKey: Record<string, unknown>;
      publicSignals: string[];
      proof: Record<string, unknown>;
    };

/** The worker's answer to a job. */
export type ProofWorkerResult =
  | { proof: Record<string, unknown>; publicSignals: string[] }
  | { valid: boolean };

/** Runs one job in a pool thread: witness and proof, or verification. */
export default async function runProofTask(task: ProofWorkerTask): Promise<ProofWorkerResult> {
  const snarkjs = await loadSnarkjs();
  if (task.kind === 'prove') {
    if (task.split) return proveSplit(task.system, task.zkey, task.input, task.split);
    return snarkjs[task.system].fullProve(task.input, task.wasm, task.zkey);
  }
  return {
    valid: await snarkjs[task.system].verify(task.verificationKey, task.publicSignals, task.proof),
  };
}
