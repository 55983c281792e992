#!/usr/bin/env node
import { processIo } from '@mt/cli';
import { runZkmlCli } from './run-zkml-cli.js';

process.exitCode = await runZkmlCli(process.argv.slice(2), processIo);
