#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runValidatorCli } from './run-validator-cli.js';

await runBin('mt-validator', runValidatorCli);
