// @mt/subnets alone: the echo subnet with the wrappers, and both real
// subnets refusing, with the install line, to start without their stacks.
import assert from 'node:assert/strict';
import { MissingPeerError, resultOf } from '@mt/protocol';
import { echoMiner, echoValidator, withResilience } from '@mt/subnets';
import { TextGenerationMiner } from '@mt/subnets/text-generation';

const validator = echoValidator();
const miner = withResilience(echoMiner());
const task = await validator.createTask({
  minerUid: 'miner',
  difficulty: 0.5,
  subnetUid: 1,
  cycle: 0,
});
const timeoutMs = task.timeoutMs ?? 5_000;
const solution = await miner.solveTask(task, {
  signal: new AbortController().signal,
  deadline: Date.now() + timeoutMs,
});
const result = resultOf(task, solution, { completedAt: Date.now(), executionTimeMs: 1 });
const judgement = await validator.scoreResult(task, result, { latencyMs: 5, timeoutMs });
assert.ok(judgement.value > 0.9, `echo scored ${judgement.value}`);

const text = await TextGenerationMiner.create({ generator: 'tiny-gpt2' }).catch((e: unknown) => e);
assert.ok(
  MissingPeerError.isInstance(text) && text.peer === '@huggingface/transformers',
  String(text),
);
// The verifiable entry's types name @mt/zkml's, so TypeScript itself asks for
// @mt/zkml there; a JavaScript user gets the typed error at run time, checked here.
const entry = '@mt/subnets/verifiable-inference';
const verifiable = (await import(entry)) as {
  VerifiableInferenceMiner: { create(options: { circuitDir: string }): Promise<unknown> };
};
const proofs = await verifiable.VerifiableInferenceMiner.create({ circuitDir: 'nowhere' }).catch(
  (e: unknown) => e,
);
assert.ok(MissingPeerError.isInstance(proofs) && proofs.peer === '@mt/zkml', String(proofs));
console.log(
  `echo scored ${judgement.value.toFixed(2)}; text generation and verifiable inference say what to install`,
);
