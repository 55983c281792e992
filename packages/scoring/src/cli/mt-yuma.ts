#!/usr/bin/env node
import { processIo } from '@mt/cli';
import { runYumaCli } from './run-yuma-cli.js';

process.exitCode = await runYumaCli(process.argv.slice(2), processIo);
