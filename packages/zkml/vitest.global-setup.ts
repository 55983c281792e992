import { developmentPtau } from './src/setup/powers-of-tau.js';

/** The largest circuit the tests prove, the two-block nanoGPT, needs 2^15. */
const TEST_PTAU_POWER = 15;

// Makes the cached development ptau once, before any test file runs, so
// parallel test files never generate it twice (once per machine; smaller
// powers are cut from it).
export default async function setup(): Promise<void> {
  await developmentPtau(TEST_PTAU_POWER, (message) =>
    process.stderr.write(`[zkml tests] ${message}\n`),
  );
}
