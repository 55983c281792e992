// A program run by run-bin.test.ts through runBin, as an mt-* bin is: what it
// does comes from its first argument.
import { runBin } from '../../dist/index.js';

const behaviour = process.argv[2];

await runBin(
  'mt-test',
  async (_args, io, signal) => {
    io.stdout('started\n');
    if (behaviour === 'escape') {
      // A library's socket callback throwing, outside any await of ours.
      setTimeout(() => {
        throw new Error('frame was not JSON');
      }, 10);
      await new Promise(() => undefined);
    }
    if (behaviour === 'stubborn') {
      // Ignores its signal: something it waits on never ends.
      await new Promise(() => setInterval(() => undefined, 1_000));
    }
    // Work in progress keeps the process alive until the signal ends it.
    const working = setInterval(() => undefined, 1_000);
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    clearInterval(working);
    io.stdout('stopped\n');
    return 0;
  },
  { graceMs: 500 },
);
