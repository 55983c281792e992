// Run by silent-miners.test.ts in a fresh `node --expose-gc` process that
// collects garbage every 100 ms: a validator's calls to miners that never
// answer must still settle at their deadline plus the margin. Prints one JSON
// line: each outcome's status and how long the call took.
import { createServer } from 'node:http';
import { Hotkey, ValidatorClient } from '../../dist/index.js';

const collector = setInterval(() => globalThis.gc(), 100);

/** A miner whose `behave` decides what (not) to do with each request. */
function miner(behave) {
  const server = createServer(behave);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        endpoint: {
          address: Hotkey.generate().address,
          url: `http://127.0.0.1:${server.address().port}`,
        },
      }),
    ),
  );
}

const miners = {
  // Accepts the connection, reads the request, and never answers.
  silent: await miner((request) => request.resume()),
  // Sends its headers, then not one byte of the body.
  headersOnly: await miner((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    response.flushHeaders();
  }),
  // Never reads the request, so a large one stalls in the socket buffers.
  neverReading: await miner(() => undefined),
};

const timeoutMs = 600;
const marginMs = 200;
const client = new ValidatorClient({
  hotkey: Hotkey.generate(),
  timeoutMs,
  marginMs,
  allowPrivateEndpoints: true,
});
const large = { text: 'x'.repeat(8 * 1024 * 1024) };
const results = {};
for (const [name, { endpoint }] of Object.entries(miners)) {
  const began = performance.now();
  const [outcome] = await client.query([endpoint], 'echo', name === 'neverReading' ? large : {});
  results[name] = { status: outcome.status, elapsedMs: performance.now() - began };
}
clearInterval(collector);
for (const { server } of Object.values(miners)) server.closeAllConnections();
await Promise.all(Object.values(miners).map(({ server }) => new Promise((r) => server.close(r))));
process.stdout.write(`${JSON.stringify({ timeoutMs, marginMs, results })}\n`);
