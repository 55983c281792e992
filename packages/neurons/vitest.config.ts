import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // A round registers miners on a chain and serves them over HTTP; on a
    // loaded 2-core CI machine that takes several times its 1.2 s here.
    testTimeout: 30_000,
  },
});
