// A command-line program that behaves like every mt-* program: --version,
// --help, unknown options refused, one error format, the same exit codes,
// and --json or a readable table.
//   npm install @mt/cli
import assert from 'node:assert/strict';
import { type CliIo, defineCli, integer, jsonOption, printResult } from '@mt/cli';

const neurons = [
  { uid: 0, stake: 600, incentive: 0 },
  { uid: 2, stake: 0, incentive: 0.737 },
];
const runTool = defineCli(
  { name: 'mt-tool', version: '1.0.0', description: 'Shows neurons.' },
  (program, cli) => {
    jsonOption(program.command('neurons').description('the neurons of a subnet'))
      .option('--limit <n>', 'at most this many', integer({ min: 1 }))
      .action((options: { json?: boolean; limit?: number }) => {
        cli.io.stdout(
          printResult(neurons.slice(0, options.limit), { json: options.json === true }),
        );
      });
  },
);

let out = '';
let err = '';
const io: CliIo = {
  stdout: (text) => {
    out += text;
  },
  stderr: (text) => {
    err += text;
  },
};
assert.equal(await runTool(['neurons'], io), 0);
assert.match(out, /^uid +stake +incentive$/m);
out = '';
assert.equal(await runTool(['neurons', '--json', '--limit', '1'], io), 0);
// --json prints the value as JSON, two-space indented, one newline after.
assert.equal(out, `${JSON.stringify([neurons[0]], null, 2)}\n`);
assert.equal(await runTool(['neurons', '--limit', 'zero'], io), 2);
assert.match(err, /^mt-tool: option '--limit <n>' argument 'zero' is invalid/);
console.log('table, --json and a refused option behave as in every mt-* program');
