// @mt/protocol alone: the contract (parse once, typed errors) and the wire
// (a signed round trip through the web-standard handler, no sockets), and the
// optional libsodium peer refused with the install line.
//   npm install @mt/protocol
import assert from 'node:assert/strict';
import { JsonParseError, MissingPeerError, newTask, parseJson, taskSchema } from '@mt/protocol';
import {
  createMinerHandler,
  Hotkey,
  SignerPool,
  taskHandler,
  ValidatorClient,
} from '@mt/protocol/wire';
import { z } from 'zod';

const context = { minerUid: 1, difficulty: 0.5, subnetUid: 1, cycle: 0 };
const task = newTask(context, { taskData: { text: 'hi' }, timeoutMs: 5_000 });
assert.equal(parseJson(JSON.stringify(task), taskSchema).taskId, task.taskId);
assert.throws(
  () => parseJson('['.repeat(100)),
  (e) => JsonParseError.isInstance(e) && e.code === 'MT_JSON_TOO_DEEP',
);

const miner = Hotkey.generate();
const echo = z.object({ text: z.string() });
const handler = createMinerHandler({
  hotkey: miner,
  handlers: { echo: taskHandler(echo, (input) => ({ text: input.text.toUpperCase() })) },
});
const client = new ValidatorClient({
  hotkey: Hotkey.generate(),
  fetch: (request) => handler.fetch(request),
});
const [outcome] = await client.query(
  [{ address: miner.address, url: 'http://miner.test' }],
  'echo',
  { text: 'hi' },
  { responseSchema: echo },
);
assert.equal(outcome?.status, 'ok');
assert.deepEqual(outcome?.result, { text: 'HI' });

const pool = await SignerPool.start({ threads: 1 }).catch((error: unknown) => error);
assert.ok(MissingPeerError.isInstance(pool) && pool.peer === 'sodium-native', String(pool));
console.log(`signed round trip ${outcome.status}; SignerPool without libsodium: ${pool.code}`);
