#!/usr/bin/env node
// The `mt-chain` command: the built program in dist/. This file is committed so
// that an install links the command before anything is built.
import '../dist/cli/mt-chain.js';
