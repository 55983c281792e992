#!/usr/bin/env node
import { processIo } from '@mt/cli';
import { runSubnetsCli } from './run-subnets-cli.js';

process.exitCode = await runSubnetsCli(process.argv.slice(2), processIo);
