#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runSubnetsCli } from './run-subnets-cli.js';

await runBin('mt-subnets', runSubnetsCli);
