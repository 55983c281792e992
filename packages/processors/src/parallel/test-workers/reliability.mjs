// Reliability worker: with the given probability the attempt kills its worker
// before doing any work; otherwise it does the work and counts it in the
// shared `runs` array, so the test can prove each task ran exactly once.
export default function reliability({ index, crashProbability, runs }) {
  if (Math.random() < crashProbability) process.exit(7);
  Atomics.add(runs, index, 1);
  return index * 3;
}
