import { defineConfig } from 'vitest/config';

// Real models and proofs: generous limits for a loaded 2-core CI machine.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 300_000 } });
