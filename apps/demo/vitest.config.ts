import { defineConfig } from 'vitest/config';

// The network test runs real models and proofs; on a loaded 2-core machine a
// test can take tens of seconds.
export default defineConfig({ test: { testTimeout: 120_000, hookTimeout: 300_000 } });
