// @mt/wire alone: a signed round trip through the web-standard miner handler
// (no sockets), the optional libsodium peer refused with the install line,
// a Bittensor synapse declared once and hashed as Python hashes it, and the
// subnet template's Dummy synapse served by a BittensorAxon on loopback and
// queried by a BittensorDendrite, as Python's axon and dendrite would.
//   npm install @mt/wire
import assert from 'node:assert/strict';
import { MissingPeerError } from '@mt/protocol';
import { createMinerHandler, Hotkey, SignerPool, taskHandler, ValidatorClient } from '@mt/wire';
import {
  axonRoute,
  BittensorAxon,
  BittensorDendrite,
  defineSynapse,
  py,
  Sr25519Hotkey,
} from '@mt/wire/bittensor';
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

// The Bittensor subnet template's synapse: `dummy_input: int`, `dummy_output: Optional[int] = None`.
const Dummy = defineSynapse({
  name: 'Dummy',
  fields: {
    dummy_input: py.int,
    dummy_output: { type: py.optional(py.int), default: null },
  },
});
const minerKey = Sr25519Hotkey.generate();
const axon = new BittensorAxon({
  hotkey: minerKey,
  routes: [axonRoute(Dummy, ({ dummy_input }) => ({ dummy_output: dummy_input * 2 }))],
});
const server = await axon.serve({ port: 0 });
const port = Number(new URL(server.url).port);
// Loopback is a local network: a validator reaches it only when told so.
const dendrite = new BittensorDendrite({
  hotkey: Sr25519Hotkey.generate(),
  allowPrivateEndpoints: true,
});
const [doubled] = await dendrite.query(
  [{ ip: '127.0.0.1', port, hotkey: minerKey.address }],
  Dummy,
  { dummy_input: 21 },
  { timeout: 5 },
);
await server.close();
assert.equal(doubled?.isSuccess, true, doubled?.statusMessage ?? '');
assert.equal(doubled?.values.dummy_output, 42);

console.log(
  `signed round trip ${outcome.status}; SignerPool without libsodium: ${pool.code}; Dummy over Bittensor's wire: ${doubled.values.dummy_output}`,
);
