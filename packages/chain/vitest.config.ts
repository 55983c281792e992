import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each devnet is a chopsticks process of ~300 MiB compiling a runtime; two at once on 2 cores is enough.
    fileParallelism: false,
    // scrypt (the keystore) and chopsticks are slow on a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
