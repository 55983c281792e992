import { readFile } from 'node:fs/promises';
import { type CliRunner, defineCli, formatTable, jsonOption } from '@mt/cli';
import { CliUsageError, parseJson } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import { z } from 'zod';
import { type describeEpoch, toExactJson } from '../yuma/report.js';
import { parseYumaScenario, replayScenario } from '../yuma/scenario.js';

/**
 * `mt-yuma`: replays a Yuma consensus scenario exactly as the chain computes
 * it. Returns the exit code (`@mt/cli`'s `EXIT_CODES`).
 *
 * @example
 * ```ts
 * await runYumaCli(['replay', 'vectors.json', '--case', 'epoch_bonds_classic', '--json'], processIo);
 * ```
 */
export const runYumaCli: CliRunner = defineCli(
  {
    name: 'mt-yuma',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: 'Yuma consensus, bit-exact with subtensor.',
  },
  (program, cli) => {
    jsonOption(
      program
        .command('replay')
        .description(
          'replay a scenario ({ params, initial_state, steps }, or a file of "cases") and print each epoch',
        )
        .argument('<file>', 'the scenario file')
        .option('--case <name>', 'the case to replay, when the file holds several'),
    ).action(async (file: string, options: { case?: string; json?: boolean }) => {
      const scenario = parseYumaScenario(
        pickCase(
          parseJson(await readFile(file, 'utf8'), scenarioFileSchema, { typeName: file }),
          options.case,
        ),
      );
      for (const report of replayScenario(scenario)) {
        // --json: one object per line, in the vectors' exact encodings.
        cli.io.stdout(options.json ? `${toExactJson(report)}\n` : readable(report));
      }
    });
  },
);

function readable(report: ReturnType<typeof describeEpoch>): string {
  const rows = report.consensus_u16.map((_, uid) => [
    uid,
    report.stake_weight_u16[uid] ?? 0,
    report.consensus_u16[uid] ?? 0,
    report.incentive_u16[uid] ?? 0,
    report.dividends_u16[uid] ?? 0,
    report.validator_trust_u16[uid] ?? 0,
    String(report.emission_rao[uid] ?? 0n),
  ]);
  const table = formatTable(
    [
      'uid',
      'stake u16',
      'consensus u16',
      'incentive u16',
      'dividends u16',
      'vtrust u16',
      'emission rao',
    ],
    rows,
  );
  return `epoch at step ${report.step}, block ${report.block}\n${table}\n\n`;
}

/**
 * A replay file: one scenario, or `{ cases: [...] }` of named cases (the
 * vectors' form). Only the case structure is checked here;
 * `parseYumaScenario` checks the scenario picked.
 */
const scenarioFileSchema = z.looseObject({
  cases: z
    .array(z.looseObject({ name: z.string().optional(), kind: z.string().optional() }))
    .optional(),
});

function pickCase(
  document: z.output<typeof scenarioFileSchema>,
  caseName: string | undefined,
): unknown {
  const cases = document.cases;
  if (cases === undefined) {
    if (caseName !== undefined)
      throw new CliUsageError(`--case '${caseName}' given, but the file holds a single scenario`);
    return document;
  }
  const names = cases.map((c) => c.name);
  if (caseName === undefined) {
    throw new CliUsageError(
      `the file holds ${cases.length} cases; pick one with --case (${names.join(', ')})`,
    );
  }
  const found = cases.find((c) => c.name === caseName);
  if (found === undefined)
    throw new CliUsageError(`no case named '${caseName}'; the file has ${names.join(', ')}`);
  if (found.kind === 'math') {
    throw new CliUsageError(
      `case '${caseName}' tests a math primitive, not an epoch scenario; pick an epoch case`,
    );
  }
  return found;
}
