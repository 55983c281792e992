// Exact Yuma epoch at network scale, against a plain float64 port in the same
// run, and ConsensusAggregator throughput against a bare median.
//   pnpm --filter @mt/scoring bench
import { performance } from 'node:perf_hooks';
import { ConsensusAggregator, ConsensusMethod, runEpoch } from '../dist/index.js';
import { float64Epoch } from './float64-epoch.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): a small network, one run.
const QUICK = process.env.BENCH_QUICK === '1';
const UIDS = QUICK ? 256 : 4096;
const VALIDATORS = QUICK ? 16 : 256;
const REPEATS = Number(process.env.BENCH_REPEATS ?? (QUICK ? 1 : 5));
const RESULTS = QUICK ? 50 : 1_000;

/** Deterministic generator (mulberry32) so every run measures the same network. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function network(yuma3) {
  const rand = random(2026);
  const validator = (uid) => uid < VALIDATORS;
  const denseRow = () => {
    const row = [];
    for (let j = VALIDATORS; j < UIDS; j += 1) row.push([j, 1 + Math.floor(rand() * 65_534)]);
    const max = Math.max(...row.map(([, w]) => w));
    return row.map(([j, w]) => [j, Math.round((w * 65_535) / max)]);
  };
  return {
    params: {
      kappaU16: 32_767,
      bondsPenaltyU16: 65_535,
      bondsMovingAverage: 900_000,
      liquidAlpha: {
        enabled: false,
        alphaLowU16: 45_875,
        alphaHighU16: 58_982,
        sigmoidSteepness: 1_000,
      },
      yuma3,
      stakeThreshold: 0n,
      ownerUid: null,
      commitReveal: false,
      raoEmission: 1_000_000_000n,
      tempo: 360,
      activityCutoffBlocks: 5_000,
      maxAllowedValidators: VALIDATORS,
    },
    state: {
      n: UIDS,
      stake: Array.from({ length: UIDS }, (_, uid) =>
        validator(uid) ? BigInt(1 + Math.floor(rand() * 1e12)) : 0n,
      ),
      blockAtRegistration: new Array(UIDS).fill(0),
      lastUpdate: new Array(UIDS).fill(1_000),
      validatorPermit: Array.from({ length: UIDS }, (_, uid) => validator(uid)),
      weights: Array.from({ length: UIDS }, (_, uid) => (validator(uid) ? denseRow() : [])),
      bonds: Array.from({ length: UIDS }, (_, uid) => (validator(uid) ? denseRow() : [])),
      currentBlock: 1_001,
      lastMechanismStepBlock: 0,
      commitBlocks: new Array(UIDS).fill(null),
    },
  };
}

function time(fn) {
  fn(); // warm-up
  const runs = [];
  for (let i = 0; i < REPEATS; i += 1) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  runs.sort((a, b) => a - b);
  return { median: runs[Math.floor(runs.length / 2)], min: runs[0], max: runs.at(-1) };
}

const fmt = (t) =>
  `median ${t.median.toFixed(0)} ms (min ${t.min.toFixed(0)}, max ${t.max.toFixed(0)})`;

console.log(
  `Yuma epoch, ${UIDS} UIDs, ${VALIDATORS} validators with dense weights (${VALIDATORS * (UIDS - VALIDATORS)} weights), ${REPEATS} runs after a warm-up`,
);
for (const yuma3 of [false, true]) {
  const { params, state } = network(yuma3);
  const exact = time(() => runEpoch(params, state));
  const float = time(() => float64Epoch(params, state));
  console.log(`  ${yuma3 ? 'Yuma3  ' : 'classic'}  exact I32F32 ${fmt(exact)}`);
  console.log(`  ${yuma3 ? 'Yuma3  ' : 'classic'}  float64      ${fmt(float)}`);
  console.log(
    `  ${yuma3 ? 'Yuma3  ' : 'classic'}  exact / float64 = ${(exact.median / float.median).toFixed(2)}x the time`,
  );
}

const aggregatorInputs = (() => {
  const rand = random(7);
  return Array.from({ length: RESULTS }, () =>
    Array.from({ length: 64 }, (_, v) => ({
      validatorUid: v,
      score: { value: rand(), confidence: 0.5 + rand() / 2, timestamp: 0 },
      stake: 1 + rand() * 1e4,
      reputation: 1,
    })),
  );
})();
const bareMedian = (scores) => {
  const values = scores.map((s) => s.score.value).sort((a, b) => a - b);
  return (values[31] + values[32]) / 2;
};
// Results go into a sink so the work cannot be optimised away.
let sink = 0;
const baseline = time(() => {
  for (const scores of aggregatorInputs) sink += bareMedian(scores);
});
console.log(`\nConsensusAggregator, ${RESULTS} results × 64 validators`);
console.log(
  `  bare median (baseline)  ${fmt(baseline)} → ${(RESULTS / (baseline.median / 1_000)).toFixed(0)} results/s`,
);
for (const method of Object.values(ConsensusMethod)) {
  const aggregator = new ConsensusAggregator({ method });
  const t = time(() => {
    for (const scores of aggregatorInputs) sink += aggregator.aggregate(scores).score.value;
  });
  console.log(
    `  ${method.padEnd(22)}  ${fmt(t)} → ${(RESULTS / (t.median / 1_000)).toFixed(0)} results/s, ${(t.median / baseline.median).toFixed(1)}x the baseline's time`,
  );
}
if (Number.isNaN(sink)) console.log('unreachable');
