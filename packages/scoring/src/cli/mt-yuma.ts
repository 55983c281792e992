#!/usr/bin/env node
import { runYumaCli } from './run-yuma-cli.js';

process.exitCode = await runYumaCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
