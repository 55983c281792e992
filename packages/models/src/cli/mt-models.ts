#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runModelsCli } from './run-models-cli.js';

await runBin('mt-models', runModelsCli);
