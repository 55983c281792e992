import { WireReply } from './wire-request.js';

/** The 413 a body over `limit` bytes is refused with. */
export function bodyTooLarge(limit: number): WireReply {
  return new WireReply(
    413,
    'MT_WIRE_BODY_TOO_LARGE',
    `the body is larger than this server's limit of ${limit} bytes`,
  );
}

/**
 * Reads a web stream to its end, but never more than `limit` bytes: past it,
 * the stream is cancelled and the read fails with a 413 {@link WireReply}.
 * Used for both sides of the wire, so neither a client nor a miner ever holds
 * more of a peer's bytes than it agreed to. When `signal` fires the stream is
 * cancelled, so a peer that stops sending holds nothing past the caller's
 * deadline, whatever the stream's own source does with its signal.
 */
export async function readBounded(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  declaredLength?: string | null,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (declaredLength != null && Number(declaredLength) > limit) {
    await stream?.cancel().catch(() => undefined);
    throw bodyTooLarge(limit);
  }
  if (stream === null) return new Uint8Array(0);
  const reader = stream.getReader();
  if (signal) {
    const cancel = () => void reader.cancel(signal.reason).catch(() => undefined);
    if (signal.aborted) cancel();
    else {
      signal.addEventListener('abort', cancel, { once: true });
      // The listener goes when the read ends, so a long-lived signal collects none.
      reader.closed.then(
        () => signal.removeEventListener('abort', cancel),
        () => signal.removeEventListener('abort', cancel),
      );
    }
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw bodyTooLarge(limit);
    }
    chunks.push(value);
  }
  // A cancelled read ends like a finished one; what it read is not the whole body.
  signal?.throwIfAborted();
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size);
}
