import {
  describeCause,
  type JsonObject,
  type Judgement,
  loadPeer,
  type Observation,
  type ProofVerdict,
  type Task,
  TaskValidationError,
} from '@mt/protocol';
import type { Circuit } from '@mt/zkml';
import { observedSpeed } from '../speed.js';
import type { SubnetMetrics } from '../wrappers/subnet-metrics.js';

/**
 * `@mt/zkml`, an optional peer of `@mt/subnets`: loaded when a role that
 * proves or verifies is created, so a user of another subnet never
 * installs snarkjs and circom.
 *
 * @throws MissingPeerError naming the install line when it is not installed.
 */
export function loadZkml(
  feature = 'The verifiable-inference subnet',
): Promise<typeof import('@mt/zkml')> {
  return loadPeer({
    name: '@mt/zkml',
    range: '^0.1.0',
    feature,
    load: () => import('@mt/zkml'),
  });
}

/** Runs `prove`, timing it in the proof-generation metrics of `subnet` and counting its failure. */
export async function timedProof<T>(
  metrics: SubnetMetrics,
  subnet: string,
  prove: () => Promise<T>,
): Promise<T> {
  const labels = { subnet };
  const stopTimer = metrics.proofGenerationSeconds.startTimer(labels);
  try {
    const proof = await prove();
    stopTimer();
    return proof;
  } catch (error) {
    metrics.proofGenerationFailures.inc(labels);
    throw error;
  }
}

/** The time a miner has to prove, by default, in the subnets whose answers carry a proof. */
export const DEFAULT_PROOF_TIMEOUT_MS = 30_000;

/** How a proven answer's score is weighed: its being proven, and the speed the validator measured. */
export interface ProvenScoreWeights {
  correctness?: number;
  latency?: number;
}

/** Counts `verdict` in the proof-verification metrics of `subnet`, and returns it. */
export function countVerdict(
  metrics: SubnetMetrics,
  subnet: string,
  verdict: ProofVerdict,
): ProofVerdict {
  metrics.proofVerifications.inc({
    subnet,
    verdict: verdict.valid ? 'valid' : 'invalid',
    reason: verdict.valid ? 'none' : verdict.code,
  });
  return verdict;
}

/**
 * The score of an answer whose proof the validator checked: 0 when the
 * proof was refused (or never checked), else correctness and the speed the
 * validator measured, weighed (default 0.7 and 0.3).
 */
export function scoreProven(
  observation: Observation,
  weights: ProvenScoreWeights = {},
  metadata: JsonObject = {},
): Judgement {
  const verdict = observation.proof;
  if (!verdict?.valid) {
    return {
      value: 0,
      confidence: 1,
      metadata: {
        proof: 'rejected',
        code: verdict?.code ?? 'unchecked',
        reason: verdict?.reason ?? 'the proof was not verified',
      },
    };
  }
  const correctness = weights.correctness ?? 0.7;
  const latency = weights.latency ?? 0.3;
  const speed = observedSpeed(observation);
  return {
    value: (correctness + latency * speed) / (correctness + latency),
    confidence: 1,
    metadata: { proof: 'valid', ...metadata, speed },
  };
}

/** The subnet's name and version, shared by its miner and validator. */
export const VERIFIABLE_INFERENCE = { name: 'verifiable-inference', version: '1.0.0' } as const;

/**
 * The input of a verifiable-inference task, checked against the circuit: the
 * model it names must be this circuit's, and the input must fit it.
 */
export function inputOf(task: Task, circuit: Circuit): number[] {
  const { input, modelHash } = task.taskData;
  if (!Array.isArray(input) || !input.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new TaskValidationError(task.taskId, 'taskData.input must be an array of finite numbers');
  }
  if (modelHash !== circuit.metadata.modelHash) {
    throw new TaskValidationError(
      task.taskId,
      'taskData.modelHash names another model than this subnet proves',
    );
  }
  try {
    circuit.quantizeInput(input as number[]);
  } catch (error) {
    throw new TaskValidationError(task.taskId, describeCause(error));
  }
  return input as number[];
}
