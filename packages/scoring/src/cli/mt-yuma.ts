#!/usr/bin/env node
import { runBin } from '@mt/cli';
import { runYumaCli } from './run-yuma-cli.js';

await runBin('mt-yuma', runYumaCli);
