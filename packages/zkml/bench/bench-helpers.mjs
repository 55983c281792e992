// Timing helpers shared by the @mt/zkml benchmarks.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** The median of `xs`. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs `fn` and returns its value and wall time in ms. */
export const time = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

const snarkjsCli = createRequire(import.meta.url)
  .resolve('snarkjs')
  .replace(/main\.cjs$/, 'cli.cjs');

/** The R1CS constraint count of a compiled circuit, as `snarkjs r1cs info` reports it. */
export const constraints = (r1cs) =>
  Number(
    /# of Constraints: (\d+)/.exec(
      execFileSync(process.execPath, [snarkjsCli, 'r1cs', 'info', r1cs]).toString(),
    )?.[1],
  );
