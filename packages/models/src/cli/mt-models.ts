#!/usr/bin/env node
import { processIo } from '@mt/cli';
import { runModelsCli } from './run-models-cli.js';

process.exitCode = await runModelsCli(process.argv.slice(2), processIo);
