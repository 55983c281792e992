import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BittensorDendrite } from './dendrite.js';
import { sr25519SignatureRefusal } from './sr25519.js';
import { defineSynapse, type SynapseDeclaration } from './synapse.js';
import {
  type CapturedResponse,
  dendriteReads,
  Echo,
  keyOf,
  NoHash,
  requestCaptures,
  StreamEcho,
  streaming,
} from './test-support/wire-vectors.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

/** A dendrite with the captures' key, allowed on loopback (every axon here is). */
const localDendrite = () =>
  new BittensorDendrite({ hotkey: keyOf('dendrite'), allowPrivateEndpoints: true });

/** The captured axon's key, listening on loopback at `port`. */
const capturedAxonAt = (port: number) => ({
  ip: '127.0.0.1',
  port,
  hotkey: requestCaptures.keys.axon.ss58,
});

/** A loopback server that reads one whole request, records it, then does what `answer` says. */
async function rawServer(
  answer: (socket: Socket) => void,
): Promise<{ port: number; received: Promise<string> }> {
  let received!: (text: string) => void;
  const done = new Promise<string>((resolve) => {
    received = resolve;
  });
  const server = createServer((socket) => {
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(
        /content-length: (\d+)/i.exec(data.subarray(0, end).toString())?.[1] ?? 0,
      );
      if (data.length < end + 4 + length) return;
      socket.removeAllListeners('data');
      received(data.toString('utf8'));
      answer(socket);
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, received: done };
}

/** A captured response as the bytes an axon would send. */
function wire(response: CapturedResponse): string {
  const reason = response.status === 200 ? 'OK' : 'Error';
  const headers = response.headers
    .filter(([name]) => !['date', 'server', 'content-length'].includes(name))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  const length = Buffer.byteLength(response.body);
  return `HTTP/1.1 ${response.status} ${reason}\r\n${headers}content-length: ${length}\r\n\r\n${response.body}`;
}

/** A captured stream answer as the bytes an axon would send: its headers, then its chunked body. */
function streamed(response: CapturedResponse & { raw_chunked_body: string }): string {
  const headers = response.headers
    .filter(([name]) => !['date', 'server'].includes(name))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 200 OK\r\n${headers}\r\n${response.raw_chunked_body}`;
}

/** Header pairs, without what the HTTP client adds and the values that change per call. */
function comparable(headers: [string, string][]): [string, string][] {
  const changing = new Set([
    'bt_header_dendrite_nonce',
    'bt_header_dendrite_uuid',
    'bt_header_dendrite_signature',
    'bt_header_axon_port',
    'header_size',
    'total_size',
  ]);
  return headers
    .filter(
      ([name]) =>
        ['name', 'timeout', 'computed_body_hash', 'content-type'].includes(name.toLowerCase()) ||
        name.startsWith('bt_header_'),
    )
    .map(([name, value]) => [name.toLowerCase(), changing.has(name) ? '*' : value]);
}

/** A body with its per-call values blanked. */
const blanked = (body: string) =>
  body
    .replace(/"nonce": \d+/, '"nonce": *')
    .replace(/"uuid": "[^"]*"/, '"uuid": *')
    .replace(/"signature": "[^"]*"/, '"signature": *')
    .replace(/"total_size": \d+/, '"total_size": *')
    .replace(/"port": \d+/, '"port": *');

const PING = defineSynapse({ name: 'Synapse', fields: {} });
const synapses: Record<string, SynapseDeclaration> = {
  Echo,
  NoHash,
  Synapse: PING,
  StreamEcho,
} as never;

describe("BittensorDendrite's requests are the Python dendrite's", () => {
  it.each(requestCaptures.cases)(
    '$id: the same headers in the same order, the same body, a signature that verifies',
    async (capture) => {
      const synapse = synapses[capture.request.path.slice(1)] as SynapseDeclaration;
      // The capture's own inputs, read back from its body as an axon reads them.
      const input = synapse.toValues(synapse.read(capture.request.body));
      const stream = capture.id === 'stream_echo';
      const server = await rawServer((socket) =>
        socket.end(
          stream
            ? streamed(streaming.capture.real_axon_response)
            : wire(capture.real_axon_response),
        ),
      );
      const dendrite = new BittensorDendrite({
        hotkey: keyOf('dendrite'),
        allowPrivateEndpoints: true,
        externalIp: '127.0.0.1',
      });
      const axon = capturedAxonAt(server.port);
      const options = { timeout: capture.timeout };
      let result: Awaited<ReturnType<typeof dendrite.call>>;
      if (stream) {
        const call = dendrite.stream(axon, synapse, input, options);
        const chunks: string[] = [];
        for await (const chunk of call) chunks.push(Buffer.from(chunk).toString());
        expect(chunks.join('')).toBe(streaming.capture.real_axon_response.chunks.join(''));
        result = await call.result;
      } else result = await dendrite.call(axon, synapse, input, options);
      const sent = await server.received;
      const [head = '', body = ''] = sent.split('\r\n\r\n');
      const headers = head
        .split('\r\n')
        .slice(1)
        .map(
          (line) =>
            [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)] as [
              string,
              string,
            ],
        );
      expect(comparable(headers)).toEqual(comparable(capture.request.headers));
      expect(blanked(body)).toBe(blanked(capture.request.body));
      const header = (name: string) => headers.find(([n]) => n === name)?.[1] ?? '';
      const message = `${header('bt_header_dendrite_nonce')}.${dendrite.address}.${requestCaptures.keys.axon.ss58}.${header('bt_header_dendrite_uuid')}.${header('computed_body_hash')}`;
      expect(
        sr25519SignatureRefusal(dendrite.address, message, header('bt_header_dendrite_signature')),
      ).toBeUndefined();
      // And it reads the real axon's answer as the Python dendrite did.
      expect(result.isSuccess).toBe(capture.python_dendrite_result.is_success);
      // A stream's outputs are filled by the subnet's own code from the chunks, not by the dendrite.
      if (!stream) expect(result.values).toMatchObject(capture.python_dendrite_result.outputs);
    },
  );

  it('sends nonces that always increase, within one clock tick too', async () => {
    const bodies: string[] = [];
    const dendrite = new BittensorDendrite({
      hotkey: keyOf('dendrite'),
      now: () => 1_796_583_433_785_730_060n,
      fetch: async (request) => {
        bodies.push(request.headers.get('bt_header_dendrite_nonce') ?? '');
        return new Response('{}', { status: 500, headers: { 'content-type': 'application/json' } });
      },
    });
    const axon = { ip: '93.184.216.34', port: 8091, hotkey: requestCaptures.keys.axon.ss58 };
    const results = await dendrite.query([axon, axon, axon], Echo, { text: 'hi' });
    expect(results.map((r) => r.statusCode)).toEqual([500, 500, 500]);
    expect(new Set(bodies).size).toBe(3);
  });
});

/** The bytes of a captured answer, the long ones rebuilt from their prefix, length and suffix. */
function bytesOf(response: (typeof dendriteReads.cases)[number]['response_bytes']): Buffer {
  if (typeof response === 'string') return Buffer.from(response, 'utf8');
  if (response === null) return Buffer.alloc(0);
  const filler = response.prefix.indexOf('x-filler: ');
  if (filler >= 0) {
    // Its cut-out middle held the rest of a 9,000-byte header and the body's start.
    const head = response.prefix.slice(0, filler + 'x-filler: '.length);
    return Buffer.from(`${head}${'a'.repeat(9000)}\r\ncontent-length: 2\r\n\r\n{}`);
  }
  const fill = response.prefix.at(-1) ?? 'x';
  const middle =
    response.length - Buffer.byteLength(response.prefix) - Buffer.byteLength(response.suffix);
  return Buffer.concat([
    Buffer.from(response.prefix),
    Buffer.alloc(middle, fill),
    Buffer.from(response.suffix),
  ]);
}

describe('BittensorDendrite reads every captured answer as the Python dendrite did', () => {
  const cases = dendriteReads.cases.filter((c) => !c.id.startsWith('stream_'));

  it.each(dendriteReads.cases.filter((c) => c.id.startsWith('stream_')))(
    '$id: the chunks as they came, the end read from the headers',
    async (readCase) => {
      const server = await rawServer((socket) => socket.end(bytesOf(readCase.response_bytes)));
      const dendrite = localDendrite();
      const call = dendrite.stream(
        capturedAxonAt(server.port),
        StreamEcho,
        { prompt: 'the quick fox' },
        { timeout: readCase.dendrite_timeout },
      );
      let text = '';
      for await (const chunk of call) text += Buffer.from(chunk).toString();
      const result = await call.result;
      expect(text).toBe('the\nquick\nfox\n');
      expect({ isSuccess: result.isSuccess, statusCode: result.statusCode }).toEqual({
        isSuccess: readCase.result.is_success,
        statusCode: readCase.result.dendrite_status_code,
      });
    },
  );

  it('bounds a stream: a chunk past maxChunkBytes ends it with 413', async () => {
    const body = 'x'.repeat(4096);
    const server = await rawServer((socket) =>
      socket.end(
        `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nbt_header_axon_status_code: 200\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      ),
    );
    const dendrite = localDendrite();
    const call = dendrite.stream(
      capturedAxonAt(server.port),
      StreamEcho,
      { prompt: 'p' },
      { maxChunkBytes: 1024 },
    );
    for await (const _ of call) throw new Error('no chunk may pass');
    expect((await call.result).statusCode).toBe(413);
  });
  it.each(cases)('$id: $what', { timeout: 30_000 }, async (readCase) => {
    let port: number;
    if (readCase.id === 'connection_refused') {
      const probe = await rawServer(() => undefined);
      port = probe.port;
      await new Promise((resolve) => servers.pop()?.close(resolve));
    } else {
      const server = await rawServer((socket) => {
        if (readCase.id === 'server_disconnects') socket.destroy();
        else if (readCase.id === 'timeout') setTimeout(() => socket.destroy(), 3_000);
        else socket.end(bytesOf(readCase.response_bytes));
      });
      port = server.port;
    }
    const dendrite = localDendrite();
    const result = await dendrite.call(
      capturedAxonAt(port),
      Echo,
      { text: 'hi', xs: [1, 2.5], meta: { a: 1 } },
      { timeout: readCase.dendrite_timeout },
    );
    const python = readCase.result;
    expect({
      isSuccess: result.isSuccess,
      isTimeout: result.isTimeout,
      statusCode: result.statusCode,
      axonStatusCode: result.axon.statusCode,
    }).toEqual({
      isSuccess: python.is_success,
      isTimeout: python.is_timeout,
      statusCode: python.dendrite_status_code,
      axonStatusCode: python.axon_status_code,
    });
    // Messages the axon wrote come through as written; the transport's are ours, in Python's words where they name no run-time value.
    if (
      python.dendrite_status_code !== 422 &&
      python.dendrite_status_code !== 400 &&
      readCase.id !== 'connection_refused'
    )
      expect(result.statusMessage).toBe(python.dendrite_status_message);
    const out = python.outputs.out;
    if (typeof out === 'object' && out !== null) {
      const long = out as { length: number; prefix: string };
      expect(result.values.out?.length).toBe(long.length);
      expect(result.values.out?.startsWith(long.prefix)).toBe(true);
    } else expect(result.values.out).toBe(out);
  });

  it('bounds an answer: past maxResponseBytes the call fails, unread', async () => {
    const big = dendriteReads.cases.find((c) => c.id === 'big_body_16MiB');
    const server = await rawServer((socket) => socket.end(bytesOf(big?.response_bytes ?? null)));
    const dendrite = new BittensorDendrite({
      hotkey: keyOf('dendrite'),
      allowPrivateEndpoints: true,
      maxResponseBytes: 1024 * 1024,
    });
    const result = await dendrite.call(capturedAxonAt(server.port), Echo, { text: 'hi' });
    expect(result.isSuccess).toBe(false);
    expect(result.statusCode).toBe(413);
    expect(result.values.out).toBeNull();
  });

  it('refuses loopback unless told it is a local network', async () => {
    const dendrite = new BittensorDendrite({ hotkey: keyOf('dendrite') });
    const result = await dendrite.call(
      { ip: '127.0.0.1', port: 8091, hotkey: requestCaptures.keys.axon.ss58 },
      Echo,
      { text: 'hi' },
    );
    expect(result.statusCode).toBe(503);
    expect(result.statusMessage).toMatch(/Endpoint refused/);
  });
});

describe('BittensorDendrite and BittensorAxon over loopback', () => {
  it('a TypeScript validator queries a TypeScript miner: success, outputs filled, refusals as Python reads them', async () => {
    const { capturedAxon } = await import('./test-support/wire-vectors.js');
    const axon = capturedAxon();
    const server = await axon.serve();
    try {
      const port = Number(new URL(server.url).port);
      const target = { ip: '127.0.0.1', port, hotkey: axon.address };
      const dendrite = localDendrite();
      const [echo] = await dendrite.query([target], Echo, { text: 'héllo ✓', xs: [1, -0, 1e-7] });
      expect(echo).toMatchObject({ isSuccess: true, statusCode: 200, statusMessage: 'Success' });
      expect(echo?.values).toMatchObject({ out: 'HÉLLO ✓', xs: [1, -0, 1e-7] });
      expect(echo?.axon.processTime).toBeGreaterThanOrEqual(0);
      // Signed for another axon: refused, and read as Python reads a 401.
      const misaddressed = await dendrite.call(
        { ...target, hotkey: keyOf('other').address },
        Echo,
        { text: 'hi' },
      );
      expect(misaddressed).toMatchObject({ isSuccess: false, statusCode: 401 });
      expect(misaddressed.statusMessage).toMatch(/^Not Verified with error: Signature mismatch/);
      const blacklisted = new BittensorDendrite({
        hotkey: keyOf('blacklisted'),
        allowPrivateEndpoints: true,
      });
      const refused = await blacklisted.call(target, NoHash, { query: 'q' });
      expect(refused).toMatchObject({
        statusCode: 403,
        statusMessage: 'Forbidden. Key is blacklisted: hotkey not registered.',
      });
    } finally {
      await server.close();
    }
  });
});

describe('a streaming synapse over loopback, TypeScript on both sides', () => {
  it('streams the chunks as they are made, and ends as a success', async () => {
    const { capturedAxon } = await import('./test-support/wire-vectors.js');
    const axon = capturedAxon();
    const server = await axon.serve();
    try {
      const port = Number(new URL(server.url).port);
      const dendrite = localDendrite();
      const call = dendrite.stream({ ip: '127.0.0.1', port, hotkey: axon.address }, StreamEcho, {
        prompt: 'one two three',
      });
      let text = '';
      for await (const chunk of call) text += Buffer.from(chunk).toString();
      expect(text).toBe('one\ntwo\nthree\n');
      expect(await call.result).toMatchObject({ isSuccess: true, statusCode: 200 });
    } finally {
      await server.close();
    }
  });
});
