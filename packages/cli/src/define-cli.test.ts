import { CliUsageError, MtError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { defineCli, jsonOption } from './define-cli.js';
import { EXIT_CODES } from './exit-codes.js';
import { amount, integer } from './option-parsers.js';
import { printResult } from './print-result.js';
import { runCaptured } from './run-captured.js';

class RefusedError extends MtError {
  constructor() {
    super('MT_TEST_REFUSED', 'the store refused');
  }
}

const runDemo = defineCli(
  { name: 'mt-demo', version: '1.2.3', description: 'A program for the tests.' },
  (program, cli) => {
    jsonOption(program.command('list').description('list things'))
      .option('--limit <n>', 'at most this many', integer({ min: 1 }))
      .option('--min-stake <rao>', 'an amount with a default', amount, 10n ** 12n)
      .action((options: { json?: boolean; limit?: number }) => {
        const rows = [
          { id: 'a', size: 1 },
          { id: 'b', size: 22 },
        ].slice(0, options.limit ?? 2);
        cli.io.stdout(printResult(rows, { json: options.json === true }));
      });
    program
      .command('check')
      .argument('<what>')
      .action((what: string) => {
        if (what === 'refused') throw new RefusedError();
        if (what === 'usage') throw new CliUsageError('give a real thing');
        if (what === 'no') cli.fail();
      });
  },
);

const run = (...args: string[]) => runCaptured(runDemo, args);

describe('defineCli', () => {
  it('prints a readable table by default and JSON with --json', async () => {
    const table = await run('list');
    expect(table).toMatchObject({ code: EXIT_CODES.ok, stderr: '' });
    expect(table.stdout).toBe('id  size\n--  ----\na      1\nb     22\n');
    const json = await run('list', '--json', '--limit', '1');
    expect(JSON.parse(json.stdout)).toEqual([{ id: 'a', size: 1 }]);
  });

  it('prints its version and help on stdout with exit 0', async () => {
    expect(await run('--version')).toMatchObject({ code: 0, stdout: '1.2.3\n' });
    const help = await run('list', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mt-demo list [options]');
    expect(help.stdout).toContain('--json');
    // A bigint default is printed as a number (JSON.stringify threw on it).
    expect(help.stdout).toContain('(default: 1000000000000)');
    expect((await run('--help')).stdout).toContain('Exit codes: 0 done, 1 the command failed');
  });

  it.each([
    [['list', '--frobnicate'], "unknown option '--frobnicate'"],
    [['check', 'x', '--limit', '3'], "unknown option '--limit'"], // another command's option
    [['check', 'x', 'y'], 'too many arguments'],
    [['list', '--limit', '0'], 'must be an integer ≥ 1'],
    [['list', '--limit', 'x'], 'must be an integer ≥ 1'],
    [['nonsense'], "unknown command 'nonsense'"],
    [['check'], "missing required argument 'what'"],
    [['check', 'usage'], 'give a real thing'],
  ])('refuses %j as bad usage on stderr, exit 2', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(EXIT_CODES.usage);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^mt-demo: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("(run 'mt-demo --help', or 'mt-demo COMMAND --help')");
  });

  it('reports a typed failure with its code, exit 1, and a failed check, exit 1', async () => {
    expect(await run('check', 'refused')).toEqual({
      code: EXIT_CODES.failed,
      stdout: '',
      stderr: 'mt-demo: the store refused [MT_TEST_REFUSED]\n',
    });
    expect((await run('check', 'no')).code).toBe(EXIT_CODES.failed);
    expect((await run('check', 'yes')).code).toBe(EXIT_CODES.ok);
  });
});

describe('printResult', () => {
  it('writes one record as aligned lines, bigints as decimals in JSON', () => {
    expect(printResult({ valid: true, predicted: 3 }, { json: false })).toBe(
      'valid      true\npredicted  3\n',
    );
    expect(printResult({ stake: 10n ** 20n }, { json: true })).toBe(
      '{\n  "stake": "100000000000000000000"\n}\n',
    );
    expect(printResult([], { json: false })).toBe('(none)\n');
  });
});
