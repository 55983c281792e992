import { type Task, TaskValidationError } from '@mt/protocol';
import type { Circuit } from '@mt/zkml';
import { InvalidSubnetInputError } from '../errors.js';
import { loadZkml } from '../verifiable/verifiable-task.js';

/** The most new tokens a verifiable text task may ask for: each costs the miner one run of the model. */
export const MAX_VERIFIABLE_NEW_TOKENS = 64;

/** The longest prompt, in characters: the model reads only its last few, and no peer sends more. */
const MAX_PROMPT_CHARACTERS = 4096;

/**
 * The tokenizer of a model small enough to prove: one character per token,
 * each token's id its place in the vocabulary. Miner and validator must hold
 * the same one; the circuit's input is token ids, so a prompt outside it
 * has no proof.
 *
 * @example
 * ```ts
 * const vocabulary = new CharacterVocabulary(' abcdefg');
 * vocabulary.encode('bag'); // [2, 1, 7]
 * ```
 */
export class CharacterVocabulary {
  readonly characters: readonly string[];
  readonly #ids: Map<string, number>;

  /** @throws InvalidSubnetInputError when a character repeats or there is none. */
  constructor(characters: string) {
    this.characters = Array.from(characters);
    this.#ids = new Map(this.characters.map((c, i) => [c, i]));
    if (this.characters.length === 0)
      throw new InvalidSubnetInputError('vocabulary', 'must hold at least one character');
    if (this.#ids.size !== this.characters.length)
      throw new InvalidSubnetInputError('vocabulary', 'holds a character twice');
  }

  /** How many tokens it has. */
  get size(): number {
    return this.characters.length;
  }

  /** The token ids of `text`, or undefined when a character is not in the vocabulary. */
  encode(text: string): number[] | undefined {
    const ids: number[] = [];
    for (const c of text) {
      const id = this.#ids.get(c);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    return ids;
  }

  /** The text of token ids (each must be below `size`). */
  decode(ids: readonly number[]): string {
    return ids.map((id) => this.characters[id] ?? '').join('');
  }
}

/** What a verifiable text task asks for, checked. */
export interface VerifiableTextRequest {
  prompt: string;
  /** The prompt's token ids. */
  tokens: number[];
  maxNewTokens: number;
}

/**
 * A provable text model's context: how many token ids its circuit reads,
 * after checking the circuit and the vocabulary fit each other (one input
 * per position, one logit per token).
 *
 * @throws InvalidSubnetInputError when they do not.
 */
function contextOf(circuit: Circuit, vocabulary: CharacterVocabulary): number {
  const { inputSize, outputSize } = circuit.metadata;
  if (inputSize < 1 || outputSize !== vocabulary.size)
    throw new InvalidSubnetInputError(
      'vocabulary',
      `has ${vocabulary.size} tokens, but the circuit in ${circuit.dir} reads ${inputSize} token ids and gives ${outputSize} logits; pass the vocabulary its model was trained with`,
    );
  return inputSize;
}

/** What both roles of the verifiable mode open: `@mt/zkml`, the circuit, its tokenizer and context. */
export interface ProvableText {
  zkml: typeof import('@mt/zkml');
  circuit: Circuit;
  vocabulary: CharacterVocabulary;
  /** How many token ids the circuit reads. */
  context: number;
}

/**
 * Loads `@mt/zkml` and the circuit folder, and checks the vocabulary fits it.
 *
 * @throws MissingPeerError when `@mt/zkml` is not installed,
 *   InvalidSubnetInputError when the vocabulary does not fit the circuit.
 */
export async function openProvableText(
  circuitDir: string,
  characters: string,
): Promise<ProvableText> {
  const zkml = await loadZkml('The verifiable mode of the text-generation subnet');
  const circuit = await zkml.Circuit.load(circuitDir);
  const vocabulary = new CharacterVocabulary(characters);
  return { zkml, circuit, vocabulary, context: contextOf(circuit, vocabulary) };
}

/** The model's input for `tokens`: the last `context` ids, padded on the left with id 0. */
export function contextWindow(tokens: readonly number[], context: number): number[] {
  const last = tokens.slice(-context);
  return [...new Array<number>(context - last.length).fill(0), ...last];
}

/**
 * The request of a verifiable text task, checked against the circuit: the
 * model it names must be this circuit's, and the prompt must be made of the
 * vocabulary.
 */
export function verifiableTextRequestOf(
  task: Task,
  circuit: Circuit,
  vocabulary: CharacterVocabulary,
): VerifiableTextRequest {
  const { prompt, maxNewTokens, modelHash } = task.taskData;
  const refuse = (reason: string): never => {
    throw new TaskValidationError(task.taskId, reason);
  };
  if (modelHash !== circuit.metadata.modelHash)
    refuse('taskData.modelHash names another model than this subnet proves');
  if (typeof prompt !== 'string' || prompt.length === 0 || prompt.length > MAX_PROMPT_CHARACTERS)
    refuse(`taskData.prompt must be a string of 1 to ${MAX_PROMPT_CHARACTERS} characters`);
  if (
    typeof maxNewTokens !== 'number' ||
    !Number.isInteger(maxNewTokens) ||
    maxNewTokens < 1 ||
    maxNewTokens > MAX_VERIFIABLE_NEW_TOKENS
  )
    refuse(`taskData.maxNewTokens must be an integer from 1 to ${MAX_VERIFIABLE_NEW_TOKENS}`);
  const tokens = vocabulary.encode(prompt as string);
  if (!tokens) return refuse("taskData.prompt has a character outside the model's vocabulary");
  return { prompt: prompt as string, tokens, maxNewTokens: maxNewTokens as number };
}
