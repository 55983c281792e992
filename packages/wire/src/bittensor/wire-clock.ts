/**
 * The wall clock in nanoseconds since the epoch, as Python's `time.time_ns()`:
 * Bittensor's nonces are these. Microsecond precision is what the platform gives.
 */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
