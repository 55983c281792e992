// @mt/wire alone: a signed round trip through the web-standard miner handler
// (no sockets), the optional libsodium peer refused with the install line,
// and a Bittensor synapse declared once and hashed as Python hashes it.
//   npm install @mt/wire
import assert from 'node:assert/strict';
import { MissingPeerError } from '@mt/protocol';
import { createMinerHandler, Hotkey, SignerPool, taskHandler, ValidatorClient } from '@mt/wire';
import { defineSynapse, py } from '@mt/wire/bittensor';
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
// Bittensor's Echo synapse: the same body hash the Python SDK computes (measured from v10.2.0).
const Echo = defineSynapse({
  name: 'Echo',
  fields: {
    text: py.str,
    xs: { type: py.list(py.float), default: [] },
    meta: { type: py.dict(py.str, py.int), default: {} },
    out: { type: py.optional(py.str), default: null },
  },
  requiredHashFields: ['text', 'xs', 'meta'],
});
assert.equal(
  Echo.bodyHash('{"text": "hi", "xs": [1, 2.5, 1e-05], "meta": {"a": 1}}'),
  '902854fc532f82828fac8c711d148cc54149276f2b7ef6fb4a398d41f96f3e1e',
);
console.log(`signed round trip ${outcome.status}; SignerPool without libsodium: ${pool.code}`);
