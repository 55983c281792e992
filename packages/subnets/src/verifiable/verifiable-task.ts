import { describeCause, loadPeer, type Task, TaskValidationError } from '@mt/protocol';
import type { Circuit } from '@mt/zkml';

/**
 * `@mt/zkml`, an optional peer of `@mt/subnets`: loaded when a
 * verifiable-inference role is created, so a user of another subnet never
 * installs snarkjs and circom.
 *
 * @throws MissingPeerError naming the install line when it is not installed.
 */
export function loadZkml(): Promise<typeof import('@mt/zkml')> {
  return loadPeer({
    name: '@mt/zkml',
    range: '^0.1.0',
    feature: 'The verifiable-inference subnet',
    load: () => import('@mt/zkml'),
  });
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
