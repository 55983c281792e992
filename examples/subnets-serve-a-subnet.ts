// Serve a subnet: the echo subnet's miner role, with the wrappers, on a
// signed node:http server on loopback; a validator queries it, checks the
// answer and scores it from what it measured itself. Both real subnets then
// refuse, with the install line, to start without their stacks.
//   npm install @mt/subnets @mt/wire
import assert from 'node:assert/strict';
import { MissingPeerError, resultSchema } from '@mt/protocol';
import { echoMiner, echoValidator, withResilience } from '@mt/subnets';
import { TextGenerationMiner } from '@mt/subnets/text-generation';
import { createMinerServer, Hotkey, subnetTaskHandler, ValidatorClient } from '@mt/wire';

const miner = withResilience(echoMiner());
const minerKey = Hotkey.generate();
const validatorKey = Hotkey.generate();
const server = await createMinerServer(
  {
    hotkey: minerKey,
    handlers: { [miner.name]: subnetTaskHandler(miner) },
    // Only this validator may ask (on a network: the staked validators on chain).
    blacklist: (sender) => (sender === validatorKey.address ? undefined : 'not a validator'),
  },
  { host: '127.0.0.1', port: 0 },
);
try {
  const validator = echoValidator();
  const client = new ValidatorClient({ hotkey: validatorKey, allowPrivateEndpoints: true });
  const task = await validator.createTask({
    minerUid: 1,
    difficulty: 0.5,
    netuid: 1,
    round: 0,
  });
  const started = performance.now();
  const [outcome] = await client.query(
    [{ address: minerKey.address, url: server.url }],
    miner.name,
    task,
    {
      responseSchema: resultSchema,
      ...(task.timeoutMs === undefined ? {} : { timeoutMs: task.timeoutMs }),
    },
  );
  const latencyMs = performance.now() - started;
  const answer = outcome?.status === 'ok' ? outcome.result : undefined;
  assert.ok(answer, JSON.stringify(outcome));
  const judgement = await validator.scoreResult(task, answer, {
    latencyMs,
    timeoutMs: task.timeoutMs ?? 5_000,
  });
  assert.ok(judgement.value > 0.8, `echo scored ${judgement.value}`);
  const stranger = new ValidatorClient({ hotkey: Hotkey.generate(), allowPrivateEndpoints: true });
  const [refused] = await stranger.query(
    [{ address: minerKey.address, url: server.url }],
    miner.name,
    task,
  );
  assert.equal(refused?.status, 'rejected');

  const text = await TextGenerationMiner.create({ generator: 'tiny-gpt2' }).catch(
    (e: unknown) => e,
  );
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
    `served echo on ${server.url}: scored ${judgement.value.toFixed(2)}, a stranger refused; the real subnets say what to install`,
  );
} finally {
  await server.close();
}
