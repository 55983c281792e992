#!/usr/bin/env node
import { runModelsCli } from './run-models-cli.js';

process.exitCode = await runModelsCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
