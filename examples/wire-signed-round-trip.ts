// @mt/wire alone: a signed round trip through the web-standard miner handler
// (no sockets), and the optional libsodium peer refused with the install line.
//   npm install @mt/wire
import assert from 'node:assert/strict';
import { MissingPeerError } from '@mt/protocol';
import { createMinerHandler, Hotkey, SignerPool, taskHandler, ValidatorClient } from '@mt/wire';
import { z } from 'zod';

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
