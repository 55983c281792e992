// The signature benchmarks' timer.

/** Mean µs per call of `op` over `rounds` calls, after `warmup` calls; every call must return true. */
export function meanMicros(op, rounds, warmup) {
  for (let i = 0; i < warmup; i += 1) if (!op()) throw new Error('an operation failed');
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) if (!op()) throw new Error('an operation failed');
  return Number(process.hrtime.bigint() - started) / rounds / 1_000;
}
