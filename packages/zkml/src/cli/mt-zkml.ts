#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runZkmlCli } from './run-zkml-cli.js';

await runBin('mt-zkml', runZkmlCli);
