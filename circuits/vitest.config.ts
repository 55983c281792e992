import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each test runs circom's witness generator or walks a whole R1CS; 5 s was
    // too little on a loaded 2-core CI machine (the model tamper test took 5.8 s).
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
