#!/usr/bin/env node
/**
 * The lifecycle demo: one validator and three miners of different honesty run
 * several rounds of the regression subnet in one process, and the table at the
 * end shows who earned what. It exits non-zero if honest work does not come
 * out on top, so the demo doubles as an end-to-end check.
 */
import { type RegressionStrategy, RegressionSubnet } from '@mt/app-miner';
import { formatTable } from './format-table.js';
import { ScoreBoard } from './score-board.js';
import { type MinerHandle, runValidationRound } from './validation-round.js';

const ROUNDS = 8;
const SUBNET_UID = 1;

const minerSpecs: { uid: string; strategy: RegressionStrategy; role: string }[] = [
  { uid: 'miner-honest', strategy: 'least-squares', role: 'fits the data' },
  { uid: 'miner-lazy', strategy: 'two-point', role: 'joins two points' },
  { uid: 'miner-idle', strategy: 'flat', role: 'returns the mean' },
];

async function main(): Promise<void> {
  const validator = new RegressionSubnet();
  const miners = minerSpecs.map((spec) => ({
    ...spec,
    subnet: new RegressionSubnet(spec.strategy),
  }));
  const all = [validator, ...miners.map((miner) => miner.subnet)];

  console.log(`Setting up 1 validator and ${miners.length} miners on the regression subnet...`);
  await Promise.all(all.map((subnet) => subnet.setup()));
  console.log(`  states: ${all.map((subnet) => subnet.state).join(', ')}`);

  const handles: MinerHandle[] = miners.map((miner) => ({
    uid: miner.uid,
    solve: (task) => miner.subnet.solveTask(task),
  }));
  const board = new ScoreBoard(0.3);
  for (let cycle = 0; cycle < ROUNDS; cycle += 1) {
    const difficulty = (cycle % 4) / 3;
    const outcomes = await runValidationRound(validator, handles, {
      subnetUid: SUBNET_UID,
      cycle,
      difficulty,
    });
    for (const outcome of outcomes) board.record(outcome.minerUid, outcome.score);
    const summary = outcomes.map((o) => `${o.minerUid}=${o.score.toFixed(3)}`).join('  ');
    console.log(`round ${cycle + 1}/${ROUNDS} (difficulty ${difficulty.toFixed(2)}): ${summary}`);
  }

  const standings = board.standings();
  const rows = standings.map((standing) => {
    const miner = miners.find((m) => m.uid === standing.minerUid);
    const solve = miner?.subnet.getMetrics().solveTask;
    return [
      standing.minerUid,
      miner?.role ?? '',
      standing.rounds,
      Number(standing.lastScore.toFixed(4)),
      Number(standing.movingAverage.toFixed(4)),
      Number((solve?.p50 ?? 0).toFixed(3)),
    ];
  });
  console.log('');
  console.log(
    formatTable(['miner', 'behaviour', 'rounds', 'last score', 'moving avg', 'solve p50 ms'], rows),
  );
  const scoring = validator.getMetrics().scoreResult;
  console.log(
    `\nvalidator scored ${scoring.count} results (p50 ${scoring.p50.toFixed(3)} ms, ${scoring.failures} failures)`,
  );

  await Promise.all(all.map((subnet) => subnet.teardown()));
  console.log(`states after teardown: ${all.map((subnet) => subnet.state).join(', ')}`);

  if (standings[0]?.minerUid !== 'miner-honest') {
    console.error('Honest work did not come out on top; the scoring is broken.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
