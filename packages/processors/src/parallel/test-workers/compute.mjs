// Test worker: sums a range of numbers the slow way (CPU-bound), or crashes or
// throws on request. `crashes` is a shared counter: while it is above zero,
// the attempt kills its worker, so a test can crash the first N attempts.
export default function compute({ from = 0, to = 0, crashes, throwMessage }) {
  if (crashes && Atomics.sub(crashes, 0, 1) > 0) process.exit(3);
  if (throwMessage) throw new Error(throwMessage);
  let total = 0;
  for (let i = from; i < to; i += 1) total += Math.sqrt(i) * Math.sqrt(i);
  return { total: Math.round(total), threadId: globalThis.process?.pid ?? 0 };
}
