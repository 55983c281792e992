#!/usr/bin/env node
import { processIo, stopSignal } from '@mt/cli';
import { runMinerCli } from './run-miner-cli.js';

process.exitCode = await runMinerCli(process.argv.slice(2), processIo, stopSignal());
