#!/usr/bin/env node
import { processIo, stopSignal } from '@mt/cli';
import { runValidatorCli } from './run-validator-cli.js';

process.exitCode = await runValidatorCli(process.argv.slice(2), processIo, stopSignal());
