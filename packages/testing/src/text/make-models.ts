import { join } from 'node:path';
import { writeTinyGpt2 } from './write-tiny-gpt2.js';
import { writeTinyRewardModel } from './write-tiny-reward-model.js';

/** Folder names {@link makeModels} writes. */
export const generatedModelNames = { generator: 'tiny-gpt2', reward: 'tiny-reward' } as const;

/**
 * Generates the two small models the tests and the default demo run on, in
 * `dir`: `tiny-gpt2/` (causal LM, real GPT-2 tokenizer) and `tiny-reward/`
 * (reward model). Offline and deterministic: the same seed gives the same
 * bytes. Users point the subnets at any local model folder or Hub id instead.
 */
export async function makeModels(
  dir: string,
  options: { seed?: number } = {},
): Promise<{ generator: string; reward: string }> {
  const seed = options.seed ?? 1;
  const generator = join(dir, generatedModelNames.generator);
  const reward = join(dir, generatedModelNames.reward);
  await writeTinyGpt2(generator, { seed });
  await writeTinyRewardModel(reward, { seed: seed + 1 });
  return { generator, reward };
}
