#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runChainCli } from './run-chain-cli.js';

await runBin('mt-chain', runChainCli);
