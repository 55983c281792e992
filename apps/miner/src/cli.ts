#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runMinerCli } from './run-miner-cli.js';

await runBin('mt-miner', runMinerCli);
