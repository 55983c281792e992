// Benchmark worker: a fixed amount of floating-point work per task.
export default function spin({ iterations }) {
  let x = 0;
  for (let i = 0; i < iterations; i += 1) x += Math.sqrt(i) * Math.sin(i);
  return x;
}
