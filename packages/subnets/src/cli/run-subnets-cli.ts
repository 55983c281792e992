import { readFile } from 'node:fs/promises';
import { type CliRunner, defineCli, integer, jsonOption, printResult } from '@mt/cli';
import { CliUsageError, JsonParseError, parseJson, SchemaValidationError } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import { z } from 'zod';
import type { SamplingParams } from '../text/text-model-worker.js';
import { TextModels } from '../text/text-models.js';

async function prompts(options: { prompt?: string; batch?: string }): Promise<string[]> {
  if (options.prompt !== undefined && options.batch !== undefined)
    throw new CliUsageError('give --prompt TEXT or --batch FILE, not both');
  if (options.prompt !== undefined) return [options.prompt];
  if (options.batch === undefined) throw new CliUsageError('give --prompt TEXT or --batch FILE');
  const text = await readFile(options.batch, 'utf8');
  const refused = () =>
    new CliUsageError(`${options.batch} must hold a JSON array of strings or one prompt per line`);
  let list: string[];
  if (text.trimStart().startsWith('[')) {
    try {
      list = parseJson(text, z.array(z.string()), { typeName: options.batch });
    } catch (error) {
      if (JsonParseError.isInstance(error) || SchemaValidationError.isInstance(error))
        throw refused();
      throw error;
    }
  } else list = text.split('\n').filter((line) => line.trim() !== '');
  if (list.length === 0) throw refused();
  return list;
}

/**
 * `mt-subnets`: runs the text-generation subnet's models from the command
 * line: generate with a causal LM, score with a reward model. Needs the
 * text-generation peers (`@huggingface/transformers`, `onnxruntime-node`).
 *
 * @example
 * ```ts
 * await runSubnetsCli(['generate', '--model', 'models/tiny-gpt2', '--prompt', 'Hello', '--greedy'], processIo);
 * ```
 */
export const runSubnetsCli: CliRunner = defineCli(
  {
    name: 'mt-subnets',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: "The text-generation subnet's models from the command line.",
  },
  (program, cli) => {
    jsonOption(
      program
        .command('generate')
        .description(
          'generate from one prompt or a batch (a JSON array, or one prompt per line); sampling (temperature 0.8, top-k 50) unless --greedy',
        )
        .requiredOption(
          '--model <dir-or-id>',
          'a Transformers.js causal LM: local folder or Hub id',
        )
        .option('--prompt <text>', 'one prompt')
        .option('--batch <file>', 'prompts generated as one batch')
        .option(
          '--max-new-tokens <n>',
          'tokens to generate at most',
          integer({ min: 1, max: 512 }),
          32,
        )
        .option('--greedy', 'greedy decoding instead of sampling')
        .option('--seed <n>', 'sampling seed, for reproducible output', integer({ min: 0 })),
    ).action(
      async (options: {
        model: string;
        prompt?: string;
        batch?: string;
        maxNewTokens: number;
        greedy?: boolean;
        seed?: number;
        json?: boolean;
      }) => {
        const list = await prompts(options);
        const sampling: SamplingParams = options.greedy
          ? { doSample: false }
          : {
              doSample: true,
              temperature: 0.8,
              topK: 50,
              ...(options.seed === undefined ? {} : { seed: options.seed }),
            };
        const models = new TextModels({ generator: options.model });
        try {
          await models.load();
          const rows = await models.generateBatch(
            list.map((prompt) => ({ prompt, maxNewTokens: options.maxNewTokens, sampling })),
          );
          const answers = rows.map((row, i) => ({ prompt: list[i], ...row }));
          cli.io.stdout(
            printResult(options.prompt === undefined ? answers : answers[0], {
              json: options.json === true,
            }),
          );
        } finally {
          await models.close();
        }
      },
    );

    jsonOption(
      program
        .command('reward')
        .description(
          "the reward model's logit for a (prompt, response) pair, and its sigmoid score",
        )
        .requiredOption('--model <dir-or-id>', 'a Transformers.js sequence-classification model')
        .requiredOption('--prompt <text>', 'the prompt')
        .requiredOption('--response <text>', 'the response to score'),
    ).action(
      async (options: { model: string; prompt: string; response: string; json?: boolean }) => {
        const models = new TextModels({ reward: options.model });
        try {
          await models.load();
          const [logit = Number.NaN] = await models.reward([options.prompt], [options.response]);
          cli.io.stdout(
            printResult(
              { reward: logit, score: 1 / (1 + Math.exp(-logit)) },
              { json: options.json === true },
            ),
          );
        } finally {
          await models.close();
        }
      },
    );
  },
);
