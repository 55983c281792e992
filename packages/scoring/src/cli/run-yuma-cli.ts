import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliUsageError, MtError, parseJson } from '@mt/protocol';
import { toExactJson } from '../yuma/report.js';
import { parseYumaScenario, replayScenario } from '../yuma/scenario.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: mt-yuma replay FILE [--case NAME]

Replays a Yuma consensus scenario exactly as the chain computes it and prints
one JSON object per epoch step on stdout (one per line).

FILE is one scenario ({ params, initial_state, steps }) or a file with a
"cases" array, from which --case picks one by name.

Exit status: 0 on success, 2 on bad usage or bad input.
`;

/**
 * Runs `mt-yuma` with `args` and returns the exit status.
 *
 * @example
 * ```ts
 * await runYumaCli(['replay', 'vectors.json', '--case', 'epoch_bonds_classic'], { stdout, stderr });
 * ```
 */
export async function runYumaCli(args: readonly string[], out: CliOutput): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(args);
  } catch (error) {
    out.stderr(`mt-yuma: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (parsed.help) {
    out.stdout(usage);
    return 0;
  }
  try {
    const text = await readFile(parsed.file, 'utf8');
    const scenario = parseYumaScenario(pickCase(parseJson(text), parsed.caseName));
    for (const report of replayScenario(scenario)) out.stdout(`${toExactJson(report)}\n`);
    return 0;
  } catch (error) {
    const kind = MtError.isInstance(error) ? `${error.code}: ` : '';
    out.stderr(`mt-yuma: ${kind}${(error as Error).message}\n`);
    return 2;
  }
}

function parseCommandLine(args: readonly string[]): {
  help: boolean;
  file: string;
  caseName?: string;
} {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { case: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return { help: true, file: '' };
  const [command, file, ...rest] = positionals;
  if (command !== 'replay')
    throw new CliUsageError(`unknown command '${command ?? ''}'; the command is 'replay'`);
  if (file === undefined) throw new CliUsageError('replay needs a scenario FILE');
  if (rest.length > 0) throw new CliUsageError(`unexpected arguments: ${rest.join(' ')}`);
  return { help: false, file, ...(values.case === undefined ? {} : { caseName: values.case }) };
}

function pickCase(document: unknown, caseName: string | undefined): unknown {
  const cases = (document as { cases?: unknown }).cases;
  if (!Array.isArray(cases)) {
    if (caseName !== undefined)
      throw new CliUsageError(`--case '${caseName}' given, but the file holds a single scenario`);
    return document;
  }
  const names = cases.map((c) => (c as { name?: unknown }).name);
  if (caseName === undefined) {
    throw new CliUsageError(
      `the file holds ${cases.length} cases; pick one with --case (${names.join(', ')})`,
    );
  }
  const found = cases.find((c) => (c as { name?: unknown }).name === caseName);
  if (found === undefined)
    throw new CliUsageError(`no case named '${caseName}'; the file has ${names.join(', ')}`);
  if ((found as { kind?: unknown }).kind === 'math') {
    throw new CliUsageError(
      `case '${caseName}' tests a math primitive, not an epoch scenario; pick an epoch case`,
    );
  }
  return found;
}
