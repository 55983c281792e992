#!/usr/bin/env node
import { runZkmlCli } from './run-zkml-cli.js';

process.exitCode = await runZkmlCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
