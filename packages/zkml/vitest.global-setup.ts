import { developmentPtau, MIN_DEV_PTAU_POWER } from './src/setup/powers-of-tau.js';

// Makes the cached development ptau once, before any test file runs, so
// parallel test files never generate it twice (about 75 s on 2 cores, once
// per machine).
export default async function setup(): Promise<void> {
  await developmentPtau(MIN_DEV_PTAU_POWER, (message) =>
    process.stderr.write(`[zkml tests] ${message}\n`),
  );
}
