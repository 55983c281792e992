// Run by silent-axons.test.ts in a fresh `node --expose-gc` process that
// collects garbage every 100 ms: a Bittensor dendrite's calls to axons that
// never answer, or stop mid-stream, must still end at their timeout, and an
// axon must end a forward that never returns at its own bound. Prints one
// JSON line: each call's status and how long it took.
import { createServer } from 'node:http';
import {
  axonRoute,
  BittensorAxon,
  BittensorDendrite,
  defineSynapse,
  py,
  Sr25519Hotkey,
} from '../../dist/bittensor/index.js';

const collector = setInterval(() => globalThis.gc(), 100);
const Echo = defineSynapse({
  name: 'Echo',
  fields: { text: py.str, out: { type: py.optional(py.str), default: null } },
  requiredHashFields: ['text'],
});

/** An axon whose `behave` decides what (not) to do with each request. */
function axon(behave) {
  const server = createServer(behave);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })),
  );
}

const axons = {
  // Reads the request and never answers.
  silent: await axon((request) => request.resume()),
  // Sends a stream's headers and one chunk, then nothing more.
  stalledStream: await axon((request, response) => {
    request.resume();
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      bt_header_axon_status_code: '200',
    });
    response.write('first\n');
  }),
};
// A real axon whose forward never returns: it answers at its own bound (408).
const stuckKey = Sr25519Hotkey.generate();
const stuck = new BittensorAxon({
  hotkey: stuckKey,
  maxTimeoutMs: 600,
  routes: [axonRoute(Echo, () => new Promise(() => undefined))],
});
const stuckServer = await stuck.serve();

const timeout = 0.6;
const dendrite = new BittensorDendrite({
  hotkey: Sr25519Hotkey.generate(),
  allowPrivateEndpoints: true,
});
const hotkey = Sr25519Hotkey.generate().address;
const results = {};
let began = performance.now();
const [silent] = await dendrite.query(
  [{ ip: '127.0.0.1', port: axons.silent.port, hotkey }],
  Echo,
  { text: 'hi' },
  { timeout },
);
results.silent = { status: silent.statusCode, elapsedMs: performance.now() - began };
began = performance.now();
const call = dendrite.stream(
  { ip: '127.0.0.1', port: axons.stalledStream.port, hotkey },
  Echo,
  { text: 'hi' },
  { timeout },
);
let chunks = 0;
for await (const _ of call) chunks += 1;
results.stalledStream = {
  status: (await call.result).statusCode,
  elapsedMs: performance.now() - began,
  chunks,
};
began = performance.now();
const [forward] = await dendrite.query(
  [{ ip: '127.0.0.1', port: Number(new URL(stuckServer.url).port), hotkey: stuckKey.address }],
  Echo,
  { text: 'hi' },
  { timeout: 30 },
);
results.stuckForward = { status: forward.statusCode, elapsedMs: performance.now() - began };
clearInterval(collector);
for (const { server } of Object.values(axons)) server.closeAllConnections();
await Promise.all(Object.values(axons).map(({ server }) => new Promise((r) => server.close(r))));
await stuckServer.close();
process.stdout.write(`${JSON.stringify({ timeoutMs: timeout * 1000, results })}\n`);
