// Score with Yuma: two validators weight two miners, and one epoch turns
// the weights into incentive, dividends and emission as subtensor computes
// them; then consensus across validators' scores, and multi-criteria scoring.
//   npm install @mt/scoring
import assert from 'node:assert/strict';
import { newTask, resultOf } from '@mt/protocol';
import {
  AdvancedScorer,
  ConsensusAggregator,
  ConsensusMethod,
  InsufficientConsensusError,
  ScoringMethod,
  toFloat,
  YUMA_DEFAULTS,
  type YumaParams,
  YumaSimulator,
  type YumaState,
} from '@mt/scoring';

// 1. Yuma. UIDs 0 and 1 are validators (600 and 400 rao of stake), 2 and 3 miners.
// Subtensor's defaults (YUMA_DEFAULTS), with this epoch's emission and a short tempo.
const params: YumaParams = {
  ...YUMA_DEFAULTS,
  raoEmission: 1_000_000_000n,
  tempo: 100,
};
const n = 4;
const state: YumaState = {
  n,
  stake: [600n, 400n, 0n, 0n],
  blockAtRegistration: [0, 0, 0, 0],
  lastUpdate: [0, 0, 0, 0],
  validatorPermit: [true, true, false, false],
  weights: Array.from({ length: n }, () => []),
  bonds: Array.from({ length: n }, () => []),
  currentBlock: 0,
  lastMechanismStepBlock: 0,
  commitBlocks: Array.from({ length: n }, () => null),
};
const chain = new YumaSimulator(params, state);
chain.advanceToBlock(1);
chain.setWeights(0, [2, 3], [60_000, 20_000]);
chain.setWeights(1, [2, 3], [50_000, 30_000]);
const epoch = chain.epoch();
const incentive = epoch.incentive.map(toFloat);
assert.ok((incentive[2] ?? 0) > (incentive[3] ?? 0), 'the miner both weight higher earns more');
assert.equal(epoch.emission.reduce((a, b) => a + b, 0n) <= params.raoEmission, true);

// 2. Consensus across validators: the outlier does not move the score.
const now = Date.now();
const aggregator = new ConsensusAggregator({ method: ConsensusMethod.ROBUST });
const { score } = aggregator.aggregate(
  [0.8, 0.82, 0.79, 0.1].map((value, i) => ({
    validatorUid: i,
    score: { value, confidence: 1, timestamp: now },
    stake: 100,
  })),
);
assert.ok(
  score.value > 0.75 && score.value < 0.85,
  `the outlier moved consensus to ${score.value}`,
);
assert.throws(
  () =>
    aggregator.aggregate([{ validatorUid: 0, score: { value: 1, confidence: 1, timestamp: now } }]),
  (e) => InsufficientConsensusError.isInstance(e),
);

// 3. Multi-criteria scoring of one result.
const scorer = new AdvancedScorer({ method: ScoringMethod.WEIGHTED });
scorer.addCriterion('length', 1, (_task, result) => String(result.resultData.text).length, {
  maxScore: 10,
});
const task = newTask(
  { minerUid: 1, difficulty: 0.5, netuid: 1, round: 0 },
  { taskData: { text: 'x' }, timeoutMs: 1_000 },
);
const result = resultOf(
  task,
  { resultData: { text: 'hello' } },
  { completedAt: Date.now(), executionTimeMs: 1 },
);
const scored = await scorer.score(task, result);
assert.ok(scored.value > 0.4 && scored.value < 0.6, `length 5 of 10 scored ${scored.value}`);
console.log(
  `incentive ${incentive.map((x) => x.toFixed(3)).join(' ')}; consensus ${score.value.toFixed(3)}; scored ${scored.value.toFixed(2)}`,
);
