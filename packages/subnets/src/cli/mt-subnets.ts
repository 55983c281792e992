#!/usr/bin/env node
import { runSubnetsCli } from './run-subnets-cli.js';

process.exitCode = await runSubnetsCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
