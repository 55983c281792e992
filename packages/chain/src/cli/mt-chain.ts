#!/usr/bin/env node
import { processIo, stopSignal } from '@mt/cli';
import { runChainCli } from './run-chain-cli.js';

process.exitCode = await runChainCli(process.argv.slice(2), processIo, stopSignal());
