import {
  InvalidArgumentError,
  parseJson,
  type Result,
  resultSchema,
  type Task,
  taskSchema,
} from '@mt/protocol';
import type { Hotkey } from '@mt/wire';
import {
  defineSynapse,
  py,
  Sr25519Hotkey,
  type SynapseDeclaration,
  type SynapseFields,
  type SynapseInput,
  type SynapseValues,
} from '@mt/wire/bittensor';

/**
 * How a subnet's tasks travel in a Bittensor synapse, both ways: a
 * validator turns a task into the synapse's inputs and the miner's outputs
 * into a result; a miner turns the inputs back into a task and its result
 * into the outputs. {@link taskSynapse} is the one our own subnets use; for
 * an existing subnet, map its synapse's fields to the subnet's task.
 */
export interface SynapseMapping<F extends SynapseFields = SynapseFields> {
  synapse: SynapseDeclaration<F>;
  /** The synapse's inputs for a task (the validator's side). */
  request(task: Task): SynapseInput<F>;
  /**
   * The miner's answer as a result, from the synapse's fields after the call
   * (the validator's side). Throw (a `TaskValidationError`, say) for an
   * answer that is not one: it scores 0 with the reason.
   */
  result(task: Task, values: SynapseValues<F>): Result;
  /** The task a request carries (the miner's side). */
  task(values: SynapseValues<F>): Task;
  /** The outputs that carry a result back (the miner's side). */
  outputs(result: Result): Partial<SynapseValues<F>>;
}

/**
 * Which wire a neuron speaks: our signed envelope (`'envelope'`, the
 * default, with an ed25519 `Hotkey`), or Bittensor's Synapse wire
 * (`'bittensor'`, with an sr25519 `Sr25519Hotkey`, as in a Bittensor wallet).
 */
export type NeuronWire = 'envelope' | 'bittensor';

/** A neuron's hotkey on either wire. */
export type NeuronHotkey = Hotkey | Sr25519Hotkey;

/**
 * The synapse our subnets use on Bittensor's wire: the task as JSON text in
 * `task` (hashed, so signed), the result as JSON text in `result`. Both
 * sides parse them once, depth-bounded, against the protocol's schemas.
 */
export function taskSynapse(subnetName: string): SynapseMapping {
  const synapse = defineSynapse({
    name: subnetName,
    fields: { task: py.str, result: { type: py.optional(py.str), default: null } },
    requiredHashFields: ['task'],
  });
  return {
    synapse,
    request: (task) => ({ task: JSON.stringify(task) }),
    result: (_task, values) => {
      if (typeof values.result !== 'string')
        throw new InvalidArgumentError('result', 'the miner filled no result');
      return parseJson(values.result, resultSchema, { typeName: 'result' });
    },
    task: (values) => parseJson(String(values.task), taskSchema, { typeName: 'task' }),
    outputs: (result) => ({ result: JSON.stringify(result) }),
  } as SynapseMapping;
}

/**
 * The hotkey a wire needs, checked: an `Sr25519Hotkey` for Bittensor's wire
 * (returned), a `Hotkey` for the envelope (undefined).
 *
 * @throws InvalidArgumentError when the hotkey's scheme is not the wire's.
 */
export function bittensorHotkeyFor(
  wire: NeuronWire | undefined,
  hotkey: NeuronHotkey,
): Sr25519Hotkey | undefined {
  if (wire === undefined || wire === 'envelope') {
    if (hotkey instanceof Sr25519Hotkey)
      throw new InvalidArgumentError(
        'hotkey',
        "an sr25519 hotkey (a Bittensor wallet's) speaks Bittensor's wire: pass wire: 'bittensor'",
      );
    return undefined;
  }
  if (!(hotkey instanceof Sr25519Hotkey))
    throw new InvalidArgumentError(
      'hotkey',
      "Bittensor's wire signs with sr25519: use an Sr25519Hotkey (loadBittensorHotkey in @mt/wire/bittensor)",
    );
  return hotkey;
}
