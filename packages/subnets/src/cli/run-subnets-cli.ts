import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliUsageError, cliErrorMessage, parseJson } from '@mt/protocol';
import type { SamplingParams } from '../text/text-model-worker.js';
import { TextModels } from '../text/text-models.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: mt-subnets COMMAND

Commands:
  generate --model DIR_OR_ID (--prompt TEXT | --batch FILE) [--max-new-tokens N] [--greedy] [--seed N]
      FILE holds a JSON array of prompts or one prompt per line, generated as one batch;
      sampling (temperature 0.8, top-k 50) unless --greedy
  reward --model DIR_OR_ID --prompt TEXT --response TEXT
      the reward model's logit and its sigmoid score

Output is JSON on stdout. Exit status: 0 success, 2 bad usage or error.
`;

async function prompts(values: { prompt?: string; batch?: string }): Promise<string[]> {
  if (values.prompt !== undefined) return [values.prompt];
  if (values.batch === undefined) throw new CliUsageError('give --prompt TEXT or --batch FILE');
  const text = await readFile(values.batch, 'utf8');
  const list = text.trimStart().startsWith('[')
    ? (parseJson(text) as unknown[])
    : text.split('\n').filter((line) => line.trim() !== '');
  if (list.length === 0 || !list.every((p) => typeof p === 'string')) {
    throw new CliUsageError(
      `${values.batch} must hold a JSON array of strings or one prompt per line`,
    );
  }
  return list as string[];
}

/**
 * Runs `mt-subnets` with `args` and returns the exit status.
 *
 * @example
 * ```ts
 * await runSubnetsCli(['generate', '--model', 'models/tiny-gpt2', '--prompt', 'Hello', '--greedy'], { stdout, stderr });
 * ```
 */
export async function runSubnetsCli(args: readonly string[], out: CliOutput): Promise<number> {
  let models: TextModels | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        seed: { type: 'string' },
        model: { type: 'string' },
        prompt: { type: 'string' },
        response: { type: 'string' },
        batch: { type: 'string' },
        'max-new-tokens': { type: 'string', default: '32' },
        greedy: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command] = positionals;
    if (values.help || !command) {
      out.stdout(usage);
      return values.help ? 0 : 2;
    }
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    if (seed !== undefined && !Number.isInteger(seed))
      throw new CliUsageError('--seed must be an integer');
    switch (command) {
      case 'generate': {
        if (!values.model) throw new CliUsageError('missing --model DIR_OR_ID');
        const maxNewTokens = Number(values['max-new-tokens']);
        if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1)
          throw new CliUsageError('--max-new-tokens must be a positive integer');
        const list = await prompts(values);
        const sampling: SamplingParams = values.greedy
          ? { doSample: false }
          : { doSample: true, temperature: 0.8, topK: 50, ...(seed === undefined ? {} : { seed }) };
        models = new TextModels({ generator: values.model });
        await models.load();
        const rows = await models.generateBatch(
          list.map((prompt) => ({ prompt, maxNewTokens, sampling })),
        );
        const answers = rows.map((row, i) => ({ prompt: list[i], ...row }));
        out.stdout(
          `${JSON.stringify(values.prompt === undefined ? answers : answers[0], null, 2)}\n`,
        );
        return 0;
      }
      case 'reward': {
        if (!values.model || values.prompt === undefined || values.response === undefined) {
          throw new CliUsageError('reward needs --model, --prompt and --response');
        }
        models = new TextModels({ reward: values.model });
        await models.load();
        const [logit = Number.NaN] = await models.reward([values.prompt], [values.response]);
        out.stdout(`${JSON.stringify({ reward: logit, score: 1 / (1 + Math.exp(-logit)) })}\n`);
        return 0;
      }
      default:
        throw new CliUsageError(`unknown command ${command}`);
    }
  } catch (error) {
    out.stderr(cliErrorMessage('mt-subnets', error, usage));
    return 2;
  } finally {
    await models?.close();
  }
}
