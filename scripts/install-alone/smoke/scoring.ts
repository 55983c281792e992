// @mt/scoring alone: stake-weighted consensus and multi-criteria scoring.
import assert from 'node:assert/strict';
import { newTask, resultOf } from '@mt/protocol';
import {
  AdvancedScorer,
  ConsensusAggregator,
  ConsensusMethod,
  InsufficientConsensusError,
  ScoringMethod,
} from '@mt/scoring';

const now = Date.now();
const aggregator = new ConsensusAggregator({ method: ConsensusMethod.ROBUST });
const { score } = aggregator.aggregate(
  [0.8, 0.82, 0.79, 0.1].map((value, i) => ({
    validatorUid: `v${i}`,
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
    aggregator.aggregate([
      { validatorUid: 'v0', score: { value: 1, confidence: 1, timestamp: now } },
    ]),
  (e) => InsufficientConsensusError.isInstance(e),
);

const scorer = new AdvancedScorer({ method: ScoringMethod.WEIGHTED });
scorer.addCriterion('length', 1, (_task, result) => String(result.resultData.text).length, {
  maxScore: 10,
});
const context = { minerUid: 'miner', difficulty: 0.5, subnetUid: 1, cycle: 0 };
const task = newTask(context, { taskData: { text: 'x' }, timeoutMs: 1_000 });
const result = resultOf(
  task,
  { resultData: { text: 'hello' } },
  { completedAt: Date.now(), executionTimeMs: 1 },
);
const scored = await scorer.score(task, result);
assert.ok(scored.value > 0.4 && scored.value < 0.6, `length 5 of 10 scored ${scored.value}`);
console.log(`consensus ${score.value.toFixed(3)}, scored ${scored.value.toFixed(2)}`);
